// Reading a line from the student, the way Python's input() works in Jupyter: the kernel sends an
// input_request on the stdin channel and the front end shows a text box under the cell.
import { kernelHook } from './kernel-hook';

/**
 * Asks the front end for one line of text and resolves with it (without the newline).
 * Works only inside the Latent Lab kernel, while a cell runs, from a front end that allows input
 * (JupyterLab and Notebook do; nbclient and graders do not): otherwise it rejects with an error
 * saying why. `password: true` hides what is typed.
 *
 * @example
 * const name = await ll.input("Your name: ");
 * ll.md`Hello, ${name}`;
 */
export function input(prompt = '', options: { password?: boolean } = {}): Promise<string> {
  if (typeof prompt !== 'string') {
    return Promise.reject(new TypeError(`input: prompt must be a string, got ${typeof prompt}`));
  }
  const hook = kernelHook();
  if (!hook?.input) {
    return Promise.reject(new Error('input: there is no Jupyter front end to ask (this runs outside the Latent Lab kernel)'));
  }
  return hook.input(prompt, options.password === true);
}

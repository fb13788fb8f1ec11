// The kernel_info_reply content, answered by the I/O thread (io-thread.ts) on shell and control.
import { PROTOCOL_VERSION } from './wire';

/**
 * What a notebook saves as `metadata.language_info`. The lecture notebooks store exactly this (a test
 * compares them), so that opening a saved notebook does not mark it modified when the kernel connects.
 */
export function languageInfo() {
  return {
    name: 'typescript',
    // Read from the package file: loading TypeScript itself would cost a third of a second.
    version: (require('@tslab/typescript-for-tslab/package.json') as { version: string }).version,
    mimetype: 'text/typescript',
    file_extension: '.ts',
    codemirror_mode: { mode: 'typescript', name: 'javascript', typescript: true },
    pygments_lexer: 'typescript',
  };
}

/** The kernel_info_reply (messaging spec 5.3). */
export function kernelInfo(banner: string) {
  return {
    status: 'ok',
    protocol_version: PROTOCOL_VERSION,
    implementation: 'latent-lab',
    implementation_version: '0.1.0',
    language_info: languageInfo(),
    banner,
    help_links: [],
  };
}

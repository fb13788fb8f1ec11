/**
 * Latent Lab — the public API. Notebooks use only what is exported here, in one import:
 *   import * as ll from "latent-lab";
 */
export { display, displayHTML, updateDisplay, clearOutput, inKernel } from './display/display';
export type { MimeBundle } from './display/display';
export { ready, backendInfo, tf } from './backend';
export type { BackendInfo, BackendChoice } from './backend';

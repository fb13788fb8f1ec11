/**
 * Latent Lab — the public API, in one import:
 *   import * as ll from "latent-lab";
 * One path to each name (README, "One path to each name"): every export lives in one namespace — ll.dist,
 * ll.infer, ll.models, ll.ops, ll.verify, ll.training, ll.plot, ll.data, ll.math, ll.evaluation, ll.native, ll.widgets — except
 * the toolkit of every cell (tf, rng, display, md, values, …), which is only here. The most used course names
 * (ll.Normal, ll.checkTable, ll.lineChart, …) are also flat: the same objects as in their one namespace, listed in
 * the README (test/api/one-path.test.ts holds the two to each other). Plumbing (PNG encoding, BLAS threads, the
 * fused optimizer, kernel internals) is not exported here: tests and benchmarks import it from its module.
 */
export { tf, ready, backendInfo } from './backend/backend';
export { rng, Rng } from './random/rng';
export { display, displayHTML, updateDisplay, clearOutput, inKernel } from './display/display';
export { md, Markdown } from './display/markdown';
export { input } from './display/input';
export { throwIfInterrupted } from './display/interruption';
export { values, value, rows } from './math/values';
export { checkTable } from './check/result';
export { checkClose, checkAtMost } from './check/exact';
export { checkMonteCarlo, estimateMean } from './check/monte-carlo';
export { derivation } from './check/derivation';
export { check } from './check/exercise';
export { Normal } from './distributions/normal';
export { MultivariateNormal } from './distributions/mvn';
export { kl } from './distributions/kl';
export { lineChart } from './plot/line-chart';
export { barChart } from './plot/bar-chart';
export { histogram } from './plot/histogram';
export { scatterPlot } from './plot/scatter-plot';
export { interact } from './display/interact';
export { PPCA } from './models/linear-gaussian/ppca';
export { VAE } from './models/vae/vae';
export { fit } from './training/fit';
export { loadMnist } from './data/mnist';
export { integrate1d } from './check/quadrature';
export type { MimeBundle, Displayable } from './display/display';
export type { MarkdownValue } from './display/markdown';
export type { BackendInfo, BackendChoice } from './backend/backend';
export type { RngState } from './random/rng';
export type { Distribution } from './distributions/distribution';
export type { Estimate } from './inference/estimate';

export * as dist from './namespaces/dist';
export * as infer from './namespaces/infer';
export * as models from './namespaces/models';
export * as training from './namespaces/training';
export * as ops from './namespaces/ops';
export * as verify from './namespaces/verify';
export * as plot from './namespaces/plot';
export * as data from './namespaces/data';
export * as math from './namespaces/math';
export * as evaluation from './namespaces/evaluation';
export * as native from './namespaces/native';
export * as widgets from './display/widgets';

import { installTensorDisplay } from './display/rich-values';
installTensorDisplay();

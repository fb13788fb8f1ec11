// The sweep's valid calls for ll.models (every family of model, its layers and its functions): merged into
// sweep-examples.ts's tables. Same shapes: INSTANCES by class name, EXAMPLES by error name or '*.method',
// NOT_SWEPT and ALLOWED with their reasons.
import type { Outcome } from '../sweep-probe';

export const INSTANCES: Record<string, () => any> = {};
export const EXAMPLES: Record<string, (self?: any) => unknown[]> = {};
export const NOT_SWEPT: Record<string, string> = {};
export const ALLOWED: Record<string, Partial<Record<Outcome, string>>> = {};

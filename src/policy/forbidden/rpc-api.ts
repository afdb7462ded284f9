import type { Detector } from './detector.js';

/** Versions of the RPC interfaces and of the objects sent over them; for a kernel, exported symbols and kABI. */
export const rpcApi: Detector = { id: 'rpc-api', title: 'internal RPC API changes' };

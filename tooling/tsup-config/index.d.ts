import type { Options } from 'tsup';
export declare const library: Options;
export declare const app: Options;

import type { UserConfig } from 'vitest/config';
export declare const preset: UserConfig;
declare const config: UserConfig;
export default config;

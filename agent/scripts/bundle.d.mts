// Types for bundle.mjs (plain JavaScript, loaded by cli/bin/vigil.js before any TypeScript loader).
export declare const REPO: string;
export declare const DIST: string;
export declare const BUNDLE: string;
export declare const MANIFEST: string;
export declare const NODE_FLAGS: readonly string[];
export declare const RUNTIME_FLAGS: readonly string[];
export declare function applyRuntimeFlags(): void;
export type BundleStatus = { current: true; path: string } | { current: false; reason: string };
export declare function bundleStatus(paths?: { bundle: string; manifest: string; repo: string }): BundleStatus;

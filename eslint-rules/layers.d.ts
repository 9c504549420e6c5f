// Types of layers.js for the tests that read its table.
export declare const LAYERS: Readonly<Record<string, number>>;
declare const plugin: { rules: Record<string, unknown> };
export default plugin;

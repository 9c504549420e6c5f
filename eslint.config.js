import js from "@eslint/js";
import tseslint from "typescript-eslint";
import layers from "./eslint-rules/layers.js";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "schema/**", "reports/**", ".stryker-tmp/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Folders point one way (eslint-rules/layers.js): a wrong import fails `npm test`.
    files: ["src/**/*.ts"],
    plugins: { layers },
    rules: { "layers/direction": "error" },
  },
  {
    files: ["src/core/**/*.ts"],
    rules: {
      // The core is pure: no node modules, no wall clock, no ambient randomness.
      "no-restricted-imports": ["error", { patterns: ["node:*", "fs", "path", "os", "crypto", "worker_threads", "net", "dgram"] }],
      "no-restricted-properties": [
        "error",
        { object: "Math", property: "random", message: "Randomness comes in as an Rng argument." },
        { object: "Date", property: "now", message: "Time comes in as an argument." },
        { object: "performance", property: "now", message: "Time comes in as an argument." },
      ],
    },
  },
  {
    files: ["bin/**/*.js", "bench/**/*.js", ".ci/**/*.mjs", "eslint-rules/**/*.js"],
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        globalThis: "readonly",
        Buffer: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
      },
    },
  },
);

declare module "@echogarden/fvad-wasm/fvad.js" {
  /** Emscripten module factory. */
  const createModule: (options?: Record<string, unknown>) => Promise<unknown>;
  export default createModule;
}

// Long-running commands (`kmssim dns`, `kmssim host`) stop cleanly on the first SIGINT
// or SIGTERM: listen before binding, so a stop during start-up still ends cleanly.

export function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

import cliProgress from 'cli-progress';

/** A progress bar on stderr with a rate and an ETA; silent when stderr is not a terminal. */
export function progressBar(label: string, unit: string) {
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {rate} ${unit}/s | ETA {eta_formatted}`,
      stream: process.stderr,
      hideCursor: true,
      etaBuffer: 50,
      noTTYOutput: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done: number, total: number, rate?: number) {
      if (!started) {
        bar.start(total, 0, { rate: '0' });
        started = true;
      }
      bar.setTotal(Math.max(total, done));
      bar.update(done, { rate: rate === undefined ? '-' : Math.round(rate).toLocaleString('en') });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

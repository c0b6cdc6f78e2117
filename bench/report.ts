/** One figure of `npm run bench`: a measurement, and the baseline measured beside it in the same run. */
export interface Figure {
  figure: string;
  measured: string;
  baseline: string;
  /** measured ÷ baseline, in the figure's own sense (higher is not always better). */
  ratio: number;
}

/** Prints the figure as one `BENCH {json}` line, which `npm run bench` collects into its table. */
export function reportFigure(figure: Figure): void {
  console.log(`BENCH ${JSON.stringify(figure)}`);
}

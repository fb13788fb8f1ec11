// ll.plot — Figures: line, scatter, bar, histogram, densities, image grids, explorable and plotly figures, progress bars.
export { VegaLiteFigure } from '../plot/vega-lite-figure';
export type { VegaLiteSpec } from '../plot/vega-lite-figure';
export { lineChart } from '../plot/line-chart';
export { scatterPlot } from '../plot/scatter-plot';
export { projectionFigure } from '../plot/projection-figure';
export type { ProjectionFigureArgs } from '../plot/projection-figure';
export { histogram } from '../plot/histogram';
export { densityPlot } from '../plot/density-plot';
export { density2d } from '../plot/density-2d';
export { barChart } from '../plot/bar-chart';
export { explorableFigure, ExplorableFigure } from '../plot/explorable-figure';
export type { ExploreParameter } from '../plot/explorable-figure';
export { ImageFigure, imageGrid, latentTraversal } from '../plot/image-figure';
export type { ImageGridOptions } from '../plot/image-figure';
export { PlotlyFigure, surface3d, zoomableLines } from '../plot/plotly-figure';
export { closePlotlyRenderer } from '../plot/plotly-png';
export { Progress, progress, sparkline } from '../display/progress';
export type { ProgressOptions } from '../display/progress';

// Draws the figures of a Latent Lab export: each .latent-lab-export-figure holds its vega-lite or
// plotly JSON and a PNG. The PNG shows until the interactive figure is drawn (vega-embed with its
// parameter sliders, plotly.js), and stays when a library is missing or drawing fails.
(function () {
  'use strict';

  function spec(el) {
    var script = el.querySelector('script.latent-lab-spec');
    return script ? JSON.parse(script.textContent) : null;
  }

  function done(el) { el.classList.add('latent-lab-drawn'); }

  function failed(el, error) {
    el.classList.add('latent-lab-failed');
    el.setAttribute('data-error', String(error && error.message || error));
  }

  function drawVegaLite(el, live, figure) {
    if (typeof window.vegaEmbed !== 'function') return failed(el, 'vega-embed is not loaded');
    return window.vegaEmbed(live, figure, { actions: false, renderer: 'svg', mode: 'vega-lite' })
      .then(function () { done(el); }, function (e) { failed(el, e); });
  }

  function drawPlotly(el, live, figure) {
    if (!window.Plotly) return failed(el, 'plotly.js is not loaded');
    var layout = Object.assign({}, figure.layout || {});
    var img = el.querySelector('img.latent-lab-fallback');
    // a figure without a size takes the PNG's, rather than its container's (0 in a hidden slide)
    if (!layout.width && img && img.naturalWidth) layout.width = img.naturalWidth;
    if (!layout.height && img && img.naturalHeight) layout.height = img.naturalHeight;
    return window.Plotly.newPlot(live, figure.data || [], layout, { displaylogo: false, responsive: false })
      .then(function () { done(el); }, function (e) { failed(el, e); });
  }

  function draw(el) {
    if (el.getAttribute('data-started')) return;
    el.setAttribute('data-started', '1');
    var live = el.querySelector('.latent-lab-live');
    var figure;
    try { figure = spec(el); } catch (e) { return failed(el, e); }
    try {
      if (el.getAttribute('data-kind') === 'vega-lite') return drawVegaLite(el, live, figure);
      if (el.getAttribute('data-kind') === 'plotly') return drawPlotly(el, live, figure);
    } catch (e) { return failed(el, e); }
    return failed(el, 'unknown figure kind');
  }

  window.LatentLabFigures = {
    /** Draws every figure under root (a document or an element). */
    renderAll: function (root) {
      Array.prototype.forEach.call((root || document).querySelectorAll('.latent-lab-export-figure'), draw);
    },
    /** Lets plotly figures under root fit their now visible containers. */
    resize: function (root) {
      if (!root || !window.Plotly) return;
      Array.prototype.forEach.call(root.querySelectorAll('.latent-lab-export-figure[data-kind="plotly"] .js-plotly-plot'), function (gd) {
        try { window.Plotly.Plots.resize(gd); } catch (e) { /* a figure that cannot resize keeps its size */ }
      });
    }
  };
})();

// Fits every slide of a Latent Lab deck into the deck's size (1280×720): a slide whose content is
// taller or wider is zoomed out, laid out wider by the same factor so that its text wraps into fewer
// lines, until it fits. Slides are fitted when shown, and again once their figures and maths are drawn.
(function () {
  'use strict';

  function size() {
    var c = window.Reveal && window.Reveal.getConfig ? window.Reveal.getConfig() : {};
    return { width: c.width || 1280, height: c.height || 720 };
  }

  // The content's natural extent at zoom 1 and the given layout width.
  function natural(section, width) {
    section.style.zoom = '1';
    section.style.width = width + 'px';
    return { width: section.scrollWidth, height: section.scrollHeight };
  }

  function fit(section) {
    if (!section || section.offsetParent === null && section.getClientRects().length === 0) return 1;
    var box = size();
    var zoom = 1;
    var extent = natural(section, box.width);
    // at zoom z the slide is laid out box.width / z wide: it fits when its content is no wider than
    // that and no taller than box.height / z
    for (var i = 0; i < 15 && (extent.height * zoom > box.height + 0.5 || extent.width > box.width / zoom + 0.5); i++) {
      zoom = Math.min(zoom * 0.97, box.height / extent.height, box.width / extent.width);
      extent = natural(section, box.width / zoom);
    }
    section.style.zoom = String(zoom);
    section.style.width = (box.width / zoom) + 'px';
    section.setAttribute('data-fit-zoom', zoom.toFixed(3));
    return zoom;
  }

  function slides() {
    return Array.prototype.filter.call(document.querySelectorAll('.reveal .slides section'), function (s) {
      return !s.querySelector('section'); // the slides themselves, not the stacks that hold them
    });
  }

  window.LatentLabFit = {
    /** Fits one slide; returns its zoom (1 when it fits as it is). */
    fit: fit,
    /** Fits the slide on show (and once more when its figures have had time to draw). */
    fitCurrent: function () {
      var current = window.Reveal && window.Reveal.getCurrentSlide();
      fit(current);
      setTimeout(function () { fit(window.Reveal.getCurrentSlide()); }, 400);
    },
    slides: slides
  };
})();

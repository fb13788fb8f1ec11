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
    // at zoom z the slide is laid out box.width / z wide: it fits when its content is no wider than
    // that and no taller than box.height / z. Laid out wider, text and tables take fewer lines, so the
    // largest zoom that fits is searched for (bisection), not the first one found by shrinking.
    function fits(z) {
      var extent = natural(section, box.width / z);
      return extent.height * z <= box.height + 0.5 && extent.width <= box.width / z + 0.5;
    }
    var zoom = 1;
    if (!fits(1)) {
      var lo = 0.05, hi = 1;
      for (var i = 0; i < 12; i++) {
        var mid = (lo + hi) / 2;
        if (fits(mid)) lo = mid; else hi = mid;
      }
      zoom = lo;
    }
    section.style.zoom = String(zoom);
    section.style.width = (box.width / zoom) + 'px';
    // Laid out at the chosen zoom, text can take a few pixels more than at zoom 1 (rounding), and a
    // descendant can reach past the slide without widening it (inside a box that clips): measured as
    // drawn, the slide shrinks by what still reaches out.
    for (var j = 0; j < 6; j++) {
      var over = reach(section);
      if (over.height <= 1.0 && over.width <= 1.0) break;
      // on a slide with a live figure, more than a tenth past the edge is not rounding but the figure still
      // being drawn (plotly sizes a figure drawn on a hidden slide when it shows): left to the refit once it is
      // drawn; a slide without one (a wide table, a long formula) is corrected however far it reaches
      if ((over.height > 1.1 || over.width > 1.1) && section.querySelector('.latent-lab-live')) break;
      zoom = zoom * Math.min(1 / over.height, 1 / over.width) * 0.995;
      section.style.zoom = String(zoom);
      section.style.width = (box.width / zoom) + 'px';
    }
    section.setAttribute('data-fit-zoom', zoom.toFixed(3));
    return zoom;
  }

  // How far the slide's content reaches as drawn, as a fraction of the slide's frame (1: to its edge).
  function reach(section) {
    var frame = section.closest('.slides').getBoundingClientRect();
    var bottom = frame.top, right = frame.left;
    var all = section.querySelectorAll('*');
    for (var k = 0; k < all.length; k++) {
      var r = all[k].getBoundingClientRect();
      if ((r.width === 0 && r.height === 0) || all[k].closest('aside.notes') || all[k].closest('.latent-lab-live')) continue;
      if (r.bottom > bottom) bottom = r.bottom;
      if (r.right > right) right = r.right;
    }
    return { height: (bottom - frame.top) / frame.height, width: (right - frame.left) / frame.width };
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

const figures = document.querySelectorAll("figure.chart[data-spec]");
figures.forEach(async (figure) => {
  const view = figure.querySelector(".chart-view");
  try {
    const response = await fetch(figure.dataset.spec, {credentials: "same-origin"});
    if (!response.ok) return;
    const spec = await response.json();
    const holder = document.createElement("div");
    // ast: expressions run in vega-embed's bundled interpreter, so the CSP needs no eval;
    // no injected <style> elements either (the CSP forbids them): site.css styles the tooltip
    await vegaEmbed(holder, spec, {renderer: "svg", actions: false, ast: true, defaultStyle: false,
                                   tooltip: {disableDefaultStyle: true}});
    view.replaceChildren(holder);
    figure.classList.add("chart-interactive");
  } catch (error) {
    // the static SVG stays: the enhancement is optional
    console.warn("chart enhancement skipped", error);
  }
});

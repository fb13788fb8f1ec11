import { expect } from 'chai';
import { runPython } from '../support/jupyter';

describe('kernel (Jupyter protocol)', function () {
  this.timeout(180_000);

  it('passes the jupyter_kernel_test conformance suite (11 tests; the pager does not apply)', () => {
    const r = runPython('test/kernel/conformance.py');
    expect(r.output, r.output).to.match(/Ran 12 tests/);
    expect(r.output, r.output).to.match(/OK \(skipped=1\)/);
    expect(r.output).to.match(/test_pager .* skipped/);
    expect(r.status, r.output).to.equal(0);
  });

  it('displays figures, plotly.js once, progress in place, tensors and distributions richly', () => {
    const r = runPython('test/kernel/display.py');
    expect(r.output.slice(-3000), 'display suite').to.match(/Ran 5 tests/);
    expect(r.status, r.output.slice(-3000)).to.equal(0);
  });

  it('survives exceptions, rejections, type errors, interrupts; restarts; works outside the repository', () => {
    const r = runPython('test/kernel/robustness.py');
    expect(r.output, r.output).to.match(/Ran 21 tests/);
    expect(r.status, r.output).to.equal(0);
  });

  it('Shift-Tab shows the signature and doc comment: a class with its constructor, a call from inside its parentheses', () => {
    const r = runPython('test/kernel/inspection.py');
    expect(r.output.slice(-6000), 'inspect suite').to.match(/Ran 5 tests/);
    expect(r.status, r.output.slice(-6000)).to.equal(0);
  });

  it('Tab completes each name on its one path: ll.check, ll.checkTable and ll.verify apart, ll.infer.iwae typed (not ll.iwae)', () => {
    const r = runPython('test/kernel/completion.py');
    expect(r.output.slice(-6000), 'completion suite').to.match(/Ran 4 tests/);
    expect(r.status, r.output.slice(-6000)).to.equal(0);
  });

  it('carries comms both ways: kernel- and front-end-opened, buffers, comm_info, close from either side', () => {
    const r = runPython('test/kernel/comms.py');
    expect(r.output.slice(-3000), 'comms suite').to.match(/Ran 4 tests/);
    expect(r.status, r.output.slice(-3000)).to.equal(0);
  });

  it('speaks the widget protocol (ipywidgets 8): sliders, buttons, boxes, ll.interact updating in place and adding no Out line', () => {
    const r = runPython('test/kernel/widgets.py');
    expect(r.output.slice(-3000), 'widgets suite').to.match(/Ran 4 tests/);
    expect(r.status, r.output.slice(-3000)).to.equal(0);
  });

  it('loses no iopub message in a burst: 10,000 displays, 10,000 updates, a mixed flood, queued bursts', function () {
    this.timeout(600_000);
    const r = runPython('test/kernel/bursts.py');
    expect(r.output.slice(-3000), 'bursts suite').to.match(/Ran 4 tests/);
    expect(r.status, r.output.slice(-3000)).to.equal(0);
  });

  it('interrupt stops what the cell started; tracebacks at the student line; heap blow-up and huge allocations are errors; restart is not intercepted; shutdown exits cleanly every time', function () {
    this.timeout(600_000);
    const r = runPython('test/kernel/lifecycle.py');
    expect(r.output.slice(-3000), 'lifecycle suite').to.match(/Ran 10 tests/);
    expect(r.status, r.output.slice(-3000)).to.equal(0);
  });

  it('protocol: language_info as saved, ROUTER_HANDOVER, widget control comm, stdin (ll.input and prompt), interruptible compiling, abort after error, unknown names, ll in type messages', function () {
    this.timeout(600_000);
    const r = runPython('test/kernel/protocol.py');
    expect(r.output.slice(-3000), 'protocol suite').to.match(/Ran 12 tests/);
    expect(r.status, r.output.slice(-3000)).to.equal(0);
  });

  it('soak: 1,000 cells in a row, a 100,000-line print loop, 100 stray rejections, 20 timer-loop interrupts, a 250-cell notebook', function () {
    this.timeout(900_000);
    const r = runPython('test/kernel/soak.py');
    expect(r.output.slice(-3000), 'soak suite').to.match(/Ran 5 tests/);
    expect(r.status, r.output.slice(-3000)).to.equal(0);
  });
});

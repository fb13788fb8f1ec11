import { expect } from 'chai';
import { idleAction } from '../../kernel/idle-action';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('kernel: work done only once the student is not waiting (idleAction)', () => {
  it('runs once after the quiet time, never while calls keep coming', async () => {
    let runs = 0;
    const touched = idleAction(60, () => runs++);
    for (let i = 0; i < 6; i++) {
      touched();
      await sleep(20);
    }
    expect(runs, 'ran between calls 20 ms apart').to.equal(0);
    await sleep(100);
    expect(runs).to.equal(1);
    await sleep(100);
    expect(runs, 'ran again without a new call').to.equal(1);
  });

  it('skips the run when its guard does not hold then, and runs after the next quiet time once it does', async () => {
    let runs = 0, quiet = false;
    const touched = idleAction(30, () => runs++, { guard: () => quiet });
    touched();
    await sleep(80);
    expect(runs, 'ran while the guard said a cell was running').to.equal(0);
    quiet = true;
    touched();
    await sleep(80);
    expect(runs).to.equal(1);
  });

  it('cancel drops a pending run; a later call arms it again', async () => {
    let runs = 0;
    const touched = idleAction(30, () => runs++);
    touched();
    touched.cancel();
    await sleep(80);
    expect(runs).to.equal(0);
    touched();
    await sleep(80);
    expect(runs).to.equal(1);
  });

  it('uses the timer it is given (the main thread\'s real timers, which an interrupt does not cancel)', async () => {
    const delays: number[] = [];
    let runs = 0;
    const touched = idleAction(25, () => runs++, { setTimer: (f, ms) => { delays.push(ms); return setTimeout(f, ms); } });
    touched();
    touched();
    await sleep(70);
    expect(delays).to.deep.equal([25, 25]);
    expect(runs).to.equal(1);
  });
});

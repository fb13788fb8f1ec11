import { expect } from 'chai';
import * as ll from '../../src';

describe('widgets outside the kernel', () => {
  it('hold their values and call their listeners, so widget code runs in scripts and tests', () => {
    const k = ll.widgets.intSlider({ value: 3, min: 1, max: 10 });
    const heard: number[] = [];
    k.onChange((v) => heard.push(v));
    k.value = 7;
    expect([k.value, heard]).to.deep.equal([7, [7]]);
    const d = ll.widgets.dropdown({ options: ['linear', 'cosine'] as const });
    d.value = 'cosine';
    expect(d.value).to.equal('cosine');
    expect(k.toMimeBundle()['text/plain']).to.equal('IntSlider(value=7)');
  });

  it('reject bad options with the function and the argument named', () => {
    expect(() => ll.widgets.intSlider({ min: 5, max: 1 })).to.throw(/intSlider: min must be below max/);
    expect(() => ll.widgets.intSlider({ value: 0.5 })).to.throw(/intSlider: value must be an integer/);
    expect(() => ll.widgets.floatSlider({ value: NaN })).to.throw(/floatSlider: value must be a finite number/);
    expect(() => ll.widgets.floatSlider({ value: 2, min: 0, max: 1 })).to.throw(/floatSlider: value must lie in \[min, max\]/);
    expect(() => ll.widgets.logSlider({ base: 1 })).to.throw(/logSlider: base must be above 1/);
    expect(() => ll.widgets.dropdown({ options: [] })).to.throw(/dropdown: options must be a non-empty array/);
    expect(() => ll.widgets.dropdown({ options: ['a'], value: 'b' })).to.throw(/dropdown: value must be one of/);
    expect(() => ll.interact(() => 1, {})).to.throw(/interact: controls must name at least one control/);
  });

  it('interact re-runs on every change and shows only the latest run of an async fn', async () => {
    const beta = ll.widgets.floatSlider({ value: 1, min: 0, max: 4 });
    const seen: number[] = [];
    const delays: Record<number, number> = { 1: 0, 2: 40, 3: 5 };
    let aborted = 0;
    const it = ll.interact(async ({ beta }, signal) => {
      signal.addEventListener('abort', () => { aborted++; });
      await new Promise((r) => setTimeout(r, delays[beta]));
      seen.push(beta);
      return `β = ${beta}`;
    }, { beta });
    await it.settled;
    beta.value = 2;      // slow run, overtaken by the next move
    beta.value = 3;
    await it.settled;
    await new Promise((r) => setTimeout(r, 60));
    expect(it.runs).to.equal(3);
    expect(aborted).to.equal(1);
    expect(seen).to.include.members([1, 3]);
  });
});

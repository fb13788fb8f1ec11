// A class on one server (scripts/hub.sh): two students log in to a JupyterHub on loopback, run a notebook
// in the Latent Lab kernel, receive, hand in and get graded on one assignment; neither can read or spoof
// the other's work. The scenario runs in test/hub/hub_class.py (as root: the hub starts each student's
// server as that student's Unix account, which is what keeps their files apart).
import { expect } from 'chai';
import { runPython } from '../support/jupyter';

const STUDENTS = ['llhub-ada', 'llhub-bo'];

describe('the class hub (scripts/hub.sh, JupyterHub)', function () {
  this.timeout(900_000);
  let saw: Record<string, any>;

  before(function () {
    if (process.getuid?.() !== 0) {
      console.log('    the hub test needs root (it creates two Unix accounts); CI runs as root');
      this.skip();
    }
    const r = runPython('test/hub/hub_class.py', [], 900_000);
    const line = r.output.trim().split('\n').filter((l) => l.startsWith('{')).pop();
    expect(line, r.output.slice(-4000)).to.be.a('string');
    saw = JSON.parse(line!);
  });

  it('logs students in with their roster password only and starts their servers', () => {
    expect(saw.wrong_password_refused, saw.hub_log_tail).to.equal(true);
    for (const s of STUDENTS) expect(saw.login_redirects[s], s).to.match(new RegExp(`/(user|hub/spawn-pending)/${s}`));
  });

  it('copies the lecture notebooks and the released assignment into each private home', () => {
    expect(saw.release, saw.release_output).to.equal(true);
    for (const s of STUDENTS) {
      expect(saw.home_modes[s]).to.equal('0o700');
      expect(saw.lectures_copied[s]).to.include('00-getting-started.ipynb');
      // the ledger beside them: a lecture's D-links (derivations.md#d29) open it
      expect(saw.lectures_copied[s]).to.include('derivations.md');
      expect(saw.lectures_copied[s].length).to.be.greaterThan(10);
      expect(saw.assignment_fetched[s]).to.deep.equal(['h1-hub-check.ipynb']);
    }
  });

  it('runs the Latent Lab kernel for each student through the websocket', () => {
    for (const s of STUDENTS) {
      expect(saw.lecture_cells[s]).to.deep.equal(['ok', 'ok']);
      expect(Number(saw.lecture_value[s])).to.be.closeTo(-0.5 * Math.log(2 * Math.PI), 1e-6);
    }
  });

  it("keeps each student's files from the other: homes, submissions, instructor sources", () => {
    for (const s of STUDENTS) expect(saw.kernel_reads_classmate[s]).to.match(/EACCES/);
    expect(saw.shell_reads_classmate_home).to.equal(false);
    expect(saw.shell_reads_classmate_file).to.equal(false);
    expect(saw.lists_inbound).to.equal(false);
    expect(saw.reads_classmate_submission).to.equal(false);
    expect(saw.deletes_classmate_submission).to.equal(false);
    expect(saw.reads_instructor_sources).to.equal(false);
  });

  it('collects by file owner (a submission in a classmate\'s name is skipped) and grades the class', () => {
    expect(saw.submitted).to.deep.equal({ 'llhub-ada': true, 'llhub-bo': true });
    expect(saw.spoof_written, 'the spoofing file could be created (the folder is writable by design)').to.equal(true);
    expect(saw.collect_skipped_spoof).to.equal(true);
    expect(saw.grade_status, saw.grade_output).to.equal(0);
    const points = (s: string) => saw.grades[s].reduce((t: number, r: any) => t + Number(r.points), 0);
    expect(Object.keys(saw.grades).sort(), saw.grade_output).to.deep.equal(STUDENTS);
    expect(points('llhub-ada'), JSON.stringify(saw.grades)).to.equal(1);
    expect(points('llhub-bo'), JSON.stringify(saw.grades)).to.equal(0);
  });

  it('culls idle kernels and servers', () => {
    expect(saw.culling_configured).to.equal(true);
  });
});

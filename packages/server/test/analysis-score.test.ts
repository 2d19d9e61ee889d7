import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze, fits, type ProfileForAnalysis } from '../src/work/analysis/score.js';

const seeker: ProfileForAnalysis = {
  skills: ['TypeScript', 'Node.js', 'PostgreSQL', 'React'],
  desired_titles: ['Backend Engineer', 'Software Engineer'],
  locations: ['Berlin'],
  remote_preference: 'any',
};

test('a posting that wants what the seeker has scores high and says apply_now, with plain-word strengths', () => {
  const result = analyze(
    {
      job_title: 'Senior Backend Engineer',
      job_description: 'We build APIs in TypeScript on Node.js with PostgreSQL.',
      skills_required: ['TypeScript', 'Node.js', 'PostgreSQL'],
      location: 'Berlin, Germany',
    },
    seeker,
  );
  assert.ok(result.match_score >= 75, `score ${result.match_score}`);
  assert.equal(result.recommendation, 'apply_now');
  assert.deepEqual(result.skill_gap.matching_skills, ['TypeScript', 'Node.js', 'PostgreSQL']);
  assert.deepEqual(result.skill_gap.missing_skills, []);
  assert.equal(result.skill_gap.overall_match, 100);
  assert.ok(result.strengths.includes('Strong TypeScript match'));
  assert.ok(result.strengths.includes('Location preference aligns'));
});

test('missing skills come with an importance, and concerns name what matters', () => {
  const result = analyze(
    {
      job_title: 'Platform Engineer',
      job_description:
        'Kubernetes everywhere. Kubernetes operators, Go services, some GraphQL. 7+ years of experience.',
      skills_required: ['Kubernetes', 'Go', 'TypeScript', 'GraphQL', 'Terraform', 'AWS'],
      location: 'Remote',
    },
    seeker,
  );
  const importance = Object.fromEntries(result.skill_gap.missing_skills.map((m) => [m.skill, m.importance]));
  assert.equal(importance.Kubernetes, 'high');
  assert.equal(importance.GraphQL, 'medium');
  assert.equal(importance.AWS, 'low');
  assert.ok(result.concerns.includes('Requires Kubernetes'));
  assert.ok(result.concerns.includes('Requires 7+ years experience'));
  assert.ok(result.match_score < 50);
  assert.equal(result.recommendation, 'skip');
});

test('a seeker who wants remote work is told when a posting is on site', () => {
  const result = analyze(
    {
      job_title: 'Software Engineer',
      job_description: '',
      skills_required: ['TypeScript'],
      location: 'Austin, TX',
    },
    { ...seeker, remote_preference: 'remote' },
  );
  assert.ok(result.concerns.some((c) => c.includes('Austin, TX')));
});

test('scores are deterministic and bounded', () => {
  const posting = { job_title: 'X', job_description: 'Y', skills_required: [], location: null };
  const a = analyze(posting, seeker);
  assert.deepEqual(analyze(posting, seeker), a);
  assert.ok(a.match_score >= 0 && a.match_score <= 100);
  const empty = analyze(posting, { skills: [], desired_titles: [], locations: [], remote_preference: 'any' });
  assert.ok(empty.match_score >= 0 && empty.match_score <= 100);
});

test('fits: a shared skill or title word', () => {
  assert.ok(
    fits({ job_title: 'Chef', job_description: '', skills_required: ['React'], location: null }, seeker),
  );
  assert.ok(
    fits(
      { job_title: 'Backend Developer', job_description: '', skills_required: [], location: null },
      seeker,
    ),
  );
  assert.ok(
    !fits({ job_title: 'Chef', job_description: '', skills_required: ['Cooking'], location: null }, seeker),
  );
});

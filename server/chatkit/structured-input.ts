/**
 * Applying a `threads.add_structured_input` submission to a pending structured_input item,
 * with chatkit-python's rules: a missing, skipped or empty answer counts as skipped; a
 * "skipped" submission skips every input; single-choice inputs keep only the first value;
 * answers for unknown input ids are ignored.
 */
import type { StructuredInputAnswer, StructuredInputItem } from '../wire/types.js';

export interface StructuredSubmission {
  status: 'answered' | 'skipped';
  answers: Record<string, { values: string[]; skipped: boolean }>;
}

const SKIPPED: StructuredInputAnswer = { values: [], skipped: true };

export function applyStructuredInput(item: StructuredInputItem, submission: StructuredSubmission): StructuredInputItem {
  const inputs = item.inputs.map((input) => {
    const given = Object.hasOwn(submission.answers, input.id) ? submission.answers[input.id] : undefined;
    let answer: StructuredInputAnswer;
    if (submission.status === 'skipped' || !given || given.skipped || given.values.length === 0) answer = { ...SKIPPED, values: [] };
    else if (input.type === 'multiple_choice' && !input.multiple) answer = { values: given.values.slice(0, 1), skipped: false };
    else answer = { values: [...given.values], skipped: false };
    return { ...input, answer };
  });
  return { ...item, status: submission.status, inputs };
}

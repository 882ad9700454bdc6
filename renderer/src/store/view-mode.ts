/**
 * Whether a table in a view mode shows a row by what it is: in the frames mode every frame, in the messages mode every
 * message; control frames in both, with `showControl`. (The row filters, the columns' fast path and the session-wide
 * search all ask this.)
 */
export const shownInMode = (
  frame: boolean,
  control: boolean,
  framesMode: boolean,
  showControl: boolean,
): boolean => (frame ? (control ? showControl : framesMode) : !framesMode);

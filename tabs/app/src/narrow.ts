/**
 * The media query for a narrow tab: Teams mobile, or a meeting's side panel (about 320 px). Below
 * it the pages stack what sits side by side, so nothing has to be scrolled sideways.
 */
export const NARROW = '@media (max-width: 600px)';

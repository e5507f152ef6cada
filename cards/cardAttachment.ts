/** The Bot Framework attachment that carries an Adaptive Card in a message activity. */
export function cardAttachment(card: object): {
  contentType: 'application/vnd.microsoft.card.adaptive';
  content: object;
} {
  return { contentType: 'application/vnd.microsoft.card.adaptive', content: card };
}

import type { ActionStores } from '../../bot/taps/actionHandler';
import type { Storage } from '../../storage';
import type { CardStore } from '../../storage/cardStore';

/** The stores the actions read and write, over opened storage and a card store (maybe wrapped to fail). */
export function actionStores(storage: Storage, cards: CardStore): ActionStores {
  return {
    state: storage.state,
    audit: storage.audit,
    conversations: storage.conversations,
    listings: storage.listings,
    cards,
  };
}

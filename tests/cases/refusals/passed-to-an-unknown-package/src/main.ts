// refused: passes EVENTS to track, which could change it, so EVENTS
import { track } from 'analytics';

export const EVENTS = ['signup', 'login'];
track(EVENTS);

// Exposes the widget's JS API to the test as window.spaApi, the way an app would import it.
// Why a module of its own: a failing named import (API missing or renamed) must show up as
// a load error the test can report, not as a silently absent widget.
import { mount, refresh, unmount, updateCart } from '/alsobought/alsobought.js';

window.spaApi = { mount, refresh, unmount, updateCart };
document.documentElement.dataset.spaReady = 'true';

// tracker-check activity probe. Injected with context.add_init_script after hook.js, in every
// frame and popup before the page's own scripts. It keeps count of what could still make the
// page push: timers due soon, fetch/XHR in flight, animation frames requested, running CSS
// animations and transitions, playing media, a document still loading. The runner asks
// `pending(horizonMs)` in every frame to decide when the page has settled (settings.settle: auto).
//
// Rules it keeps: the page's calls behave exactly as before (same return values, same `this`,
// same exceptions); it never throws into the page; it holds no reference that keeps a finished
// timer or request alive; everything it calls later was captured at injection.
(function () {
  "use strict";
  var NAME = "__trackerCheckActivity__";
  if (Object.prototype.hasOwnProperty.call(window, NAME)) return; // injected twice: keep one
  var uncurry = Function.prototype.bind.bind(Function.prototype.call);
  var apply = uncurry(Function.prototype.apply);
  var now = Date.now;
  var MapC = Map;
  var mapGet = uncurry(MapC.prototype.get);
  var mapSet = uncurry(MapC.prototype.set);
  var mapDelete = uncurry(MapC.prototype["delete"]);
  var mapEach = uncurry(MapC.prototype.forEach);
  var defineProperty = Object.defineProperty;
  var WeakMapC = WeakMap;
  var weakGet = uncurry(WeakMapC.prototype.get);
  var weakSet = uncurry(WeakMapC.prototype.set);
  var addListener = uncurry(EventTarget.prototype.addEventListener);
  var PromiseC = typeof Promise === "function" ? Promise : null;
  var promiseThen = PromiseC ? uncurry(PromiseC.prototype.then) : null;
  // the originals, for the probe's own waits (which must not count as the page's activity)
  var rawSetTimeout = window.setTimeout;
  var rawFrame = window.requestAnimationFrame;
  var getAnimations = document.getAnimations ? uncurry(document.getAnimations) : null;
  var querySelectorAll = uncurry(Document.prototype.querySelectorAll);
  var mediaPaused = getter(HTMLMediaElement.prototype, "paused");
  var mediaEnded = getter(HTMLMediaElement.prototype, "ended");
  var mediaDuration = getter(HTMLMediaElement.prototype, "duration");
  var mediaTime = getter(HTMLMediaElement.prototype, "currentTime");
  var readyState = getter(Document.prototype, "readyState");
  var animState = typeof Animation === "function" ? getter(Animation.prototype, "playState") : null;
  var animEffect = typeof Animation === "function" ? getter(Animation.prototype, "effect") : null;
  var animTime = typeof Animation === "function" ? getter(Animation.prototype, "currentTime") : null;
  var computedTiming =
    typeof AnimationEffect === "function"
      ? uncurry(AnimationEffect.prototype.getComputedTiming)
      : null;

  function getter(proto, key) {
    var d = Object.getOwnPropertyDescriptor(proto, key);
    return d && d.get ? uncurry(d.get) : null;
  }

  // timers: id -> {due, every, counted, ticked}. A callback armed from inside a timer or frame
  // callback inherits its chain depth + 1: a polling loop (setTimeout re-armed from its own run,
  // a new closure each time, or a requestAnimationFrame loop) goes deep quickly and then no longer
  // counts, like setInterval after its first tick — neither can keep the page busy for ever.
  var MAX_CHAIN = 4;
  var timers = new MapC();
  var depth = 0; // chain depth of the timer/frame callback running now (0: none)
  var frames = new MapC(); // requestAnimationFrame id -> true, for frames that count
  var requests = 0; // fetch, XHR and response bodies in flight
  var activity = 0; // bumped when a counted callback runs or a request ends

  function touch() {
    activity++;
  }

  // run `fn` as a callback at chain depth `level`; counted callbacks mark activity, so a probe
  // answered meanwhile makes the runner ask again (a push they cause a task later is awaited)
  function runAt(level, counted, fn, self, args) {
    var outer = depth;
    depth = level;
    if (counted) touch();
    try {
      return apply(fn, self, args);
    } finally {
      depth = outer;
      if (counted) touch();
    }
  }

  function wrapTimer(owner, name, clearName, repeat) {
    var original = owner[name];
    var clear = owner[clearName];
    if (typeof original !== "function" || typeof clear !== "function") return;
    var wrappedSet = function (callback, delay) {
      if (typeof callback !== "function") return apply(original, this, arguments); // a string
      var ms = +delay > 0 ? +delay : 0;
      var level = depth + 1;
      var counted = !repeat && level <= MAX_CHAIN;
      var args = copyArgs(arguments);
      var id;
      args[0] = function () {
        var entry = mapGet(timers, id);
        if (!repeat) mapDelete(timers, id);
        else if (entry) entry.ticked = true;
        return runAt(level, counted, callback, this, arguments);
      };
      id = apply(original, this, args);
      try {
        mapSet(timers, id, {
          due: now() + ms,
          delay: ms,
          every: repeat,
          counted: counted,
          ticked: false,
        });
      } catch (e) {}
      return id;
    };
    var wrappedClear = function (id) {
      try {
        mapDelete(timers, id);
      } catch (e) {}
      return apply(clear, this, arguments);
    };
    hide(owner, name, wrappedSet, original);
    hide(owner, clearName, wrappedClear, clear);
  }

  function copyArgs(list) {
    var out = [];
    for (var i = 0; i < list.length; i++) out[i] = list[i];
    return out;
  }

  // keep the wrapper looking like the original to code that inspects it
  function hide(owner, name, wrapper, original) {
    try {
      defineProperty(wrapper, "name", { value: original.name, configurable: true });
      defineProperty(wrapper, "length", { value: original.length, configurable: true });
      var source = uncurry(Function.prototype.toString)(original);
      defineProperty(wrapper, "toString", {
        value: function () {
          return source;
        },
        configurable: true,
        writable: true,
      });
    } catch (e) {}
    owner[name] = wrapper;
  }

  function wrapFrames() {
    var request = window.requestAnimationFrame;
    var cancel = window.cancelAnimationFrame;
    if (typeof request !== "function" || typeof cancel !== "function") return;
    hide(
      window,
      "requestAnimationFrame",
      function (callback) {
        if (typeof callback !== "function") return apply(request, this, arguments);
        var level = depth + 1;
        var counted = level <= MAX_CHAIN;
        var id;
        id = apply(request, this, [
          function () {
            mapDelete(frames, id);
            return runAt(level, counted, callback, this, arguments);
          },
        ]);
        if (counted) mapSet(frames, id, true);
        return id;
      },
      request
    );
    hide(
      window,
      "cancelAnimationFrame",
      function (id) {
        mapDelete(frames, id);
        return apply(cancel, this, arguments);
      },
      cancel
    );
  }

  function settled() {
    requests = requests > 0 ? requests - 1 : 0;
    touch();
  }

  function track(promise) {
    requests++;
    touch();
    try {
      promiseThen(promise, settled, settled);
    } catch (e) {
      settled();
    }
    return promise;
  }

  function wrapFetch() {
    var fetchFn = window.fetch;
    if (typeof fetchFn !== "function" || !promiseThen) return;
    hide(
      window,
      "fetch",
      function () {
        var promise = apply(fetchFn, this, arguments);
        return track(promise);
      },
      fetchFn
    );
    // a response's body is read after fetch resolved: count that read too
    if (typeof Response !== "function") return;
    var body = ["json", "text", "blob", "arrayBuffer", "formData"];
    for (var i = 0; i < body.length; i++) {
      (function (method) {
        var read = Response.prototype[method];
        if (typeof read !== "function") return;
        hide(
          Response.prototype,
          method,
          function () {
            return track(apply(read, this, arguments));
          },
          read
        );
      })(body[i]);
    }
  }

  function wrapXhr() {
    if (typeof XMLHttpRequest !== "function") return;
    var send = XMLHttpRequest.prototype.send;
    if (typeof send !== "function") return;
    hide(
      XMLHttpRequest.prototype,
      "send",
      function () {
        var result = apply(send, this, arguments); // throws as before when not opened
        requests++;
        touch();
        var done = false;
        var end = function () {
          if (!done) {
            done = true;
            settled();
          }
        };
        try {
          // loadend comes after the page's own load/readystatechange handlers
          addListener(this, "loadend", end);
        } catch (e) {
          end();
        }
        return result;
      },
      send
    );
  }

  function busyAnimations(horizon) {
    if (!getAnimations || !animState) return 0;
    var list;
    try {
      list = getAnimations(document);
    } catch (e) {
      return 0;
    }
    var busy = 0;
    for (var i = 0; i < list.length; i++) {
      try {
        var a = list[i];
        if (animState(a) !== "running") continue;
        var effect = animEffect ? animEffect(a) : null;
        if (!effect || !computedTiming) continue;
        var timing = computedTiming(effect);
        var end = timing.endTime;
        if (!(end < Infinity)) continue; // an infinite spinner never ends: never pending
        var left = end - (+animTime(a) || 0);
        if (left <= horizon) busy++;
      } catch (e) {}
    }
    return busy;
  }

  function busyMedia(horizon) {
    if (!mediaPaused) return 0;
    var list;
    try {
      list = querySelectorAll(document, "video, audio");
    } catch (e) {
      return 0;
    }
    var busy = 0;
    for (var i = 0; i < list.length; i++) {
      try {
        var m = list[i];
        if (mediaPaused(m) || mediaEnded(m)) continue;
        var left = (mediaDuration(m) - mediaTime(m)) * 1000;
        // a media element that plays to its end within the horizon may push on `ended`
        if (left <= horizon) busy++;
      } catch (e) {}
    }
    return busy;
  }

  function snapshot(horizon, maxDelay) {
    var t = now();
    var timerCount = 0;
    var next = -1;
    mapEach(timers, function (entry) {
      // an interval holds the page until its first tick only; a deep chain not at all
      if (entry.every ? entry.ticked : !entry.counted) return;
      // a timer set for longer than the cap (a toast hidden after 3 s) is never waited for
      if (entry.delay > maxDelay) return;
      var left = entry.due - t;
      if (left <= horizon) {
        timerCount++;
        if (next < 0 || left < next) next = left > 0 ? left : 0;
      }
    });
    var frameCount = 0;
    mapEach(frames, function () {
      frameCount++;
    });
    var state = "";
    try {
      state = readyState(document);
    } catch (e) {}
    return {
      timers: timerCount,
      next_timer_ms: next,
      requests: requests,
      frames: frameCount,
      animations: busyAnimations(horizon),
      media: busyMedia(horizon),
      loading: state !== "complete",
      active: false,
    };
  }

  // What could still push within `horizon` ms (timers: only those set for at most `maxDelay`
  // ms, the cap). Answered after the page rendered two frames and
  // ran one more task: what a rendering update dispatches (transitionend, IntersectionObserver
  // callbacks, requestAnimationFrame) and what a task later brings (postMessage, observers)
  // has run by then, and its pushes reached Python before this answer does. `active`: a
  // counted timer ran or a request ended meanwhile (its consequences may follow: ask again).
  function pending(horizon, maxDelay) {
    var before = activity;
    var answer = function () {
      var out = snapshot(horizon, maxDelay);
      out.active = activity !== before;
      return out;
    };
    if (!PromiseC || typeof rawSetTimeout !== "function") return answer();
    return new PromiseC(function (resolve) {
      var done = false;
      var finish = function () {
        if (done) return;
        done = true;
        resolve(answer());
      };
      try {
        if (typeof rawFrame === "function") {
          apply(rawFrame, window, [
            function () {
              apply(rawFrame, window, [
                function () {
                  apply(rawSetTimeout, window, [finish, 0]);
                },
              ]);
            },
          ]);
        }
        // a frame that does not render (hidden, throttled) answers a little later
        apply(rawSetTimeout, window, [finish, 100]);
      } catch (e) {
        finish();
      }
    });
  }

  try {
    wrapTimer(window, "setTimeout", "clearTimeout", false);
    wrapTimer(window, "setInterval", "clearInterval", true);
    wrapFrames();
    wrapFetch();
    wrapXhr();
  } catch (e) {}
  defineProperty(window, NAME, {
    // `timeout`: the original setTimeout, for tracker-check's own in-page waits (not activity)
    value: {
      pending: pending,
      timeout: function (fn, ms) {
        return apply(rawSetTimeout, window, [fn, ms]);
      },
    },
    configurable: false,
    enumerable: false,
    writable: false,
  });
})();

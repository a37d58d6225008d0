// tracker-check capture hook. Injected by Recorder with context.add_init_script, after
// context.expose_binding, so it runs in every frame and popup before the page's own scripts.
// The Recorder replaces __TRACKER_CHECK_CONFIG__ with {"names": [...], "binding": "..."}.
//
// Rules it keeps: it never throws into the page, never changes what `push` returns, keeps
// `push` a writable own property (GTM wraps it and chains to it), and serializes every pushed
// value into plain JSON in the page, so nothing the page pushes can break the transport.
(function (config) {
  "use strict";
  var HELPER = "__trackerCheck__";
  if (window[HELPER]) return; // injected twice into one realm: keep the first
  var names = config.names || ["dataLayer"];
  var BINDING = config.binding;
  var MAX_DEPTH = 24;
  var MAX_ITEMS = 5000; // per array / object: a runaway value must not stall the page
  // containers per record: an object sharing sub-objects ({a: o, b: o} nested) is a tree of
  // exponential size that no per-level limit bounds
  var MAX_CONTAINERS = 50000;
  var budget = MAX_CONTAINERS;
  var origPush = Array.prototype.push;
  var toStr = Object.prototype.toString;
  var keysOf = Object.keys;
  var isArray = Array.isArray;
  var now = Date.now;
  var MapC = Map;
  var stringify = JSON.stringify; // pages replace JSON.stringify more often than you'd think
  var defineProperty = Object.defineProperty;
  var frameFlag = false;
  try {
    frameFlag = window.top !== window;
  } catch (e) {
    frameFlag = true;
  }
  var docId = (
    Math.random().toString(36).slice(2, 10) + now().toString(36)
  );
  var seq = 0;
  var queue = [];
  var scheduled = false;
  // the page may replace Map/WeakMap/WeakSet methods later: keep the originals, called
  // without looking anything up (uncurried)
  var uncurry = Function.prototype.bind.bind(Function.prototype.call);
  var mapGet = uncurry(MapC.prototype.get);
  var mapSet = uncurry(MapC.prototype.set);
  var mapEach = uncurry(MapC.prototype.forEach);
  var WeakMapC = typeof WeakMap === "function" ? WeakMap : null;
  var weakGet = WeakMapC ? uncurry(WeakMapC.prototype.get) : null;
  var weakSet = WeakMapC ? uncurry(WeakMapC.prototype.set) : null;
  var WeakSetC = typeof WeakSet === "function" ? WeakSet : null;
  var wrapped = WeakSetC ? new WeakSetC() : null;
  var wrappedHas = WeakSetC ? uncurry(WeakSetC.prototype.has) : null;
  var wrappedAdd = WeakSetC ? uncurry(WeakSetC.prototype.add) : null;
  // per instrumented array: identity multiset of the items seen going in (bypass check)
  var seenByArray = WeakMapC ? new WeakMapC() : null;
  // per data-layer name: how many times each object was recorded, so an array assigned as a
  // copy (`dataLayer = dataLayer.concat([x])`) does not record its earlier items again
  var recordedByName = new MapC();
  var emitFn = window[BINDING]; // the page could shadow it later; keep the original

  function marker(type, extra) {
    var m = { __type: type };
    if (extra) for (var k in extra) m[k] = extra[k];
    return m;
  }

  function isNode(v) {
    try {
      return typeof v.nodeType === "number" && typeof v.nodeName === "string";
    } catch (e) {
      return false;
    }
  }

  function ser(v, depth, path) {
    try {
      return serValue(v, depth, path);
    } catch (e) {
      // a Proxy trap, a cross-origin object, a throwing toStringTag...
      return marker("thrown", { message: safeString(e) });
    }
  }

  function serValue(v, depth, path) {
    var t = typeof v;
    if (v === null || t === "string" || t === "boolean") return v;
    if (t === "number") {
      return isFinite(v) ? v : marker("number", { value: String(v) });
    }
    if (t === "undefined") return marker("undefined");
    if (t === "bigint") return marker("bigint", { value: v.toString() });
    if (t === "symbol") return marker("symbol", { description: String(v.description) });
    if (t === "function") return marker("function", { name: String(v.name || "") });
    if (path.indexOf(v) !== -1) return marker("cycle");
    if (depth >= MAX_DEPTH) return marker("depth");
    var tag = toStr.call(v);
    if (tag === "[object Date]") {
      var time = v.getTime();
      return marker("date", { value: isFinite(time) ? new Date(time).toISOString() : null });
    }
    if (tag === "[object RegExp]") return marker("regexp", { value: String(v) });
    if (v === window || (v && v.window === v)) return marker("window");
    if (isNode(v)) {
      var node = { name: String(v.nodeName) };
      try {
        if (v.id) node.id = String(v.id);
        if (typeof v.className === "string" && v.className) node["class"] = v.className;
      } catch (e) {}
      return marker("node", node);
    }
    if (--budget < 0) return marker("truncated", { reason: "record too large" });
    path.push(v);
    try {
      if (tag === "[object Arguments]") {
        return marker("arguments", { items: serList(v, depth, path, false) });
      }
      if (isArray(v)) return serList(v, depth, path, true);
      if (tag === "[object Map]") {
        var entries = [];
        v.forEach(function (val, key) {
          if (entries.length < MAX_ITEMS) {
            entries.push([ser(key, depth + 1, path), ser(val, depth + 1, path)]);
          }
        });
        return marker("map", { entries: entries });
      }
      if (tag === "[object Set]") {
        var items = [];
        v.forEach(function (val) {
          if (items.length < MAX_ITEMS) items.push(ser(val, depth + 1, path));
        });
        return marker("set", { items: items });
      }
      if (tag === "[object Error]") {
        return marker("error", { name: String(v.name), message: String(v.message) });
      }
      if (tag === "[object Promise]") return marker("promise");
      var out = {};
      var keys = keysOf(v);
      for (var i = 0; i < keys.length && i < MAX_ITEMS; i++) {
        var key = keys[i];
        var value;
        try {
          value = v[key];
        } catch (e) {
          setKey(out, key, marker("thrown", { message: safeString(e) }));
          continue;
        }
        setKey(out, key, ser(value, depth + 1, path));
      }
      if (keys.length > MAX_ITEMS) out.__truncated__ = keys.length - MAX_ITEMS;
      return out;
    } finally {
      path.pop();
    }
  }

  function serList(v, depth, path, holes) {
    var out = [];
    var n = Math.min(v.length >>> 0, MAX_ITEMS);
    for (var i = 0; i < n; i++) {
      if (holes && !(i in v)) {
        out.push(marker("hole"));
        continue;
      }
      var value;
      try {
        value = v[i];
      } catch (e) {
        out.push(marker("thrown", { message: safeString(e) }));
        continue;
      }
      out.push(ser(value, depth + 1, path));
    }
    if ((v.length >>> 0) > MAX_ITEMS) out.push(marker("truncated", { more: v.length - MAX_ITEMS }));
    return out;
  }

  function safeString(e) {
    try {
      return String(e && e.message !== undefined ? e.message : e);
    } catch (e2) {
      return "?";
    }
  }

  function setKey(obj, key, value) {
    // a plain assignment to "__proto__" would set the prototype and lose the key
    if (key === "__proto__") {
      Object.defineProperty(obj, key, {
        value: value, enumerable: true, writable: true, configurable: true
      });
    } else {
      obj[key] = value;
    }
  }

  function serialize(value) {
    budget = MAX_CONTAINERS;
    try {
      return ser(value, 0, []);
    } catch (e) {
      return marker("thrown", { message: safeString(e) });
    }
  }

  function flush() {
    scheduled = false;
    var batch = queue;
    queue = [];
    if (!batch.length) return;
    try {
      var emit = typeof emitFn === "function" ? emitFn : window[BINDING];
      if (typeof emit !== "function") return; // not under tracker-check: nothing to send to
      // one string: Playwright moves it as-is and Python parses it with the C json module,
      // ~10x cheaper than Playwright's per-value serialization of nested objects
      var p = emit(stringify(batch));
      if (p && typeof p.then === "function") p.then(null, function () {});
    } catch (e) {}
  }

  function record(name, value) {
    var rec = {
      dl: name,
      seq: seq++,
      doc: docId,
      href: "",
      frame: frameFlag,
      t: now(),
      item: serialize(value),
    };
    try {
      rec.href = String(location.href);
    } catch (e) {}
    origPush.call(queue, rec);
    if (!scheduled) {
      scheduled = true;
      // one binding call per microtask: ~10x cheaper than one per push, and it still
      // goes out before a navigation started in the same task commits
      try {
        queueMicrotask(flush);
      } catch (e) {
        Promise.resolve().then(flush);
      }
    }
  }

  function markSeen(arr, value) {
    if (!seenByArray) return;
    var seen = weakGet(seenByArray, arr);
    if (!seen) return;
    mapSet(seen, value, (mapGet(seen, value) || 0) + 1);
  }

  function isObject(v) {
    return v !== null && (typeof v === "object" || typeof v === "function");
  }

  function timesRecorded(name, value) {
    var counts = mapGet(recordedByName, name);
    return (counts && weakGet(counts, value)) || 0;
  }

  // record(), and count the object as recorded under `name` (primitives are not counted)
  function recordObject(name, value) {
    record(name, value);
    countRecorded(name, value);
  }

  function countRecorded(name, value) {
    if (!isObject(value) || !WeakMapC) return;
    var counts = mapGet(recordedByName, name);
    if (!counts) mapSet(recordedByName, name, (counts = new WeakMapC()));
    weakSet(counts, value, timesRecorded(name, value) + 1);
  }

  function instrument(name, arr) {
    if (!isArray(arr)) return;
    if (wrapped && wrappedHas(wrapped, arr)) return;
    try {
      if (wrapped) wrappedAdd(wrapped, arr);
      if (seenByArray) weakSet(seenByArray, arr, new MapC());
      var inArray = new MapC(); // occurrences of each object so far in this array
      for (var i = 0; i < arr.length; i++) {
        var item = arr[i];
        if (isObject(item)) {
          var nth = (mapGet(inArray, item) || 0) + 1;
          mapSet(inArray, item, nth);
          if (nth > timesRecorded(name, item)) recordObject(name, item);
        } else {
          record(name, item);
        }
        markSeen(arr, item);
      }
      var previous = arr.push; // Array.prototype.push, or a wrapper already on this array
      var push = function () {
        try {
          for (var j = 0; j < arguments.length; j++) {
            recordObject(name, arguments[j]);
            markSeen(arr, arguments[j]);
          }
        } catch (e) {}
        return previous.apply(this, arguments);
      };
      defineProperty(arr, "push", {
        value: push,
        writable: true,
        configurable: true,
        enumerable: false,
      });
    } catch (e) {}
  }

  function hook(name) {
    var current;
    try {
      var existing = Object.getOwnPropertyDescriptor(window, name);
      if (existing && !existing.configurable) return; // cannot own it; the bypass check still works
      if (existing) {
        current = window[name];
        delete window[name];
      }
      defineProperty(window, name, {
        configurable: true,
        enumerable: true,
        get: function () {
          return current;
        },
        set: function (value) {
          current = value;
          instrument(name, value);
        },
      });
      if (current !== undefined) instrument(name, current);
    } catch (e) {}
  }

  // Items in the array that no push delivered: written by index, or pushed through a `push`
  // replaced without chaining. `mark` makes later checks report each item once.
  function check(mark) {
    var out = [];
    for (var i = 0; i < names.length; i++) {
      var name = names[i];
      var arr;
      try {
        arr = window[name];
      } catch (e) {
        continue;
      }
      if (!isArray(arr) || !seenByArray || !weakGet(seenByArray, arr)) continue;
      var seen = weakGet(seenByArray, arr);
      var left = new MapC();
      mapEach(seen, function (count, value) {
        mapSet(left, value, count);
      });
      var missed = [];
      for (var k = 0; k < arr.length; k++) {
        var item = arr[k];
        var n = mapGet(left, item) || 0;
        if (n > 0) {
          mapSet(left, item, n - 1);
        } else if (k in arr) {
          missed.push({ index: k, item: serialize(item) });
          if (mark) {
            // reported once: seen from now on, and known if the array is later copied
            mapSet(seen, item, (mapGet(seen, item) || 0) + 1);
            countRecorded(name, item);
          }
        }
      }
      out.push({ dl: name, doc: docId, length: arr.length, href: String(location.href),
                 frame: frameFlag, t: now(), missed: missed });
    }
    return out;
  }

  Object.defineProperty(window, HELPER, {
    value: { check: check, doc: docId, serialize: serialize, flush: flush },
    configurable: false,
    enumerable: false,
    writable: false,
  });
  for (var n = 0; n < names.length; n++) hook(names[n]);
})(__TRACKER_CHECK_CONFIG__);

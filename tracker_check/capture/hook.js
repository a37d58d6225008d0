// tracker-check capture hook. Injected by Recorder with context.add_init_script, after
// context.expose_binding, so it runs in every frame and popup before the page's own scripts.
// The Recorder replaces __TRACKER_CHECK_CONFIG__ with {"names": [...], "binding": "..."}.
//
// What it promises (docs/capture.md, "what a page cannot break"): it never throws into the
// page and never changes what `push` returns; every built-in it calls after injection was
// captured here, before any page script ran, and is called uncurried; the records are JSON
// text written here (never the page's JSON.stringify or toJSON), and the few globals
// Playwright's binding wrapper looks up while it sends are put back for that one call.
// Wire format (tracker_check/capture/wire.py): {"v":1,"doc","frame","records":[...]}.
(function (config) {
  "use strict";
  var G = window;
  var HELPER = "__trackerCheck__";
  if (Object.getOwnPropertyDescriptor(G, HELPER)) return; // injected twice into one realm
  var names = config.names || ["dataLayer"];
  var BINDING = config.binding;
  var MAX_DEPTH = 24;
  var MAX_ITEMS = 5000; // per array / object: a runaway value must not stall the page
  // containers per record: an object sharing sub-objects ({a: o, b: o} nested) is a tree of
  // exponential size that no per-level limit bounds
  var MAX_CONTAINERS = 50000;

  // ---- intrinsics, taken before any page script can replace them ----
  var FnProto = Function.prototype;
  var uncurry = FnProto.bind.bind(FnProto.call);
  var reflectApply = Reflect.apply;
  var ObjectC = Object;
  var ObjectProto = Object.prototype;
  var ArrayProto = Array.prototype;
  var keysOf = Object.keys;
  var getOwnDesc = Object.getOwnPropertyDescriptor;
  var defineProperty = Object.defineProperty;
  var getProto = Object.getPrototypeOf;
  var setProto = Object.setPrototypeOf;
  var objectIs = Object.is;
  var hasOwn = uncurry(ObjectProto.hasOwnProperty);
  var toStr = uncurry(ObjectProto.toString);
  var isArray = Array.isArray;
  var origPush = ArrayProto.push;
  var StringC = String;
  var JSONObj = JSON;
  var stringify = JSON.stringify; // only ever called on primitive strings: no toJSON, no page code
  var dateNow = Date.now;
  var dateGetTime = uncurry(Date.prototype.getTime);
  var dateToISO = uncurry(Date.prototype.toISOString);
  var regexpToString = uncurry(RegExp.prototype.toString);
  var bigintToString = typeof BigInt === "function" ? uncurry(BigInt.prototype.toString) : null;
  var symbolDescription = uncurry(getOwnDesc(Symbol.prototype, "description").get);
  var MapC = Map;
  var MapProto = Map.prototype;
  var origMapGet = MapProto.get;
  var origMapSet = MapProto.set;
  var mapGet = uncurry(origMapGet);
  var mapSet = uncurry(origMapSet);
  var mapEach = uncurry(MapProto.forEach);
  var setEach = uncurry(Set.prototype.forEach);
  var WeakMapC = WeakMap;
  var weakGet = uncurry(WeakMap.prototype.get);
  var weakSet = uncurry(WeakMap.prototype.set);
  var wrappedSet = new WeakSet();
  var wrappedHas = uncurry(WeakSet.prototype.has);
  var wrappedAdd = uncurry(WeakSet.prototype.add);
  var PromiseC = Promise;
  var promiseResolve = Promise.resolve;
  var promiseThen = uncurry(Promise.prototype.then);
  var microtask = typeof queueMicrotask === "function" ? queueMicrotask : null;
  var addListener = uncurry(EventTarget.prototype.addEventListener);
  var emitFn = G[BINDING]; // Playwright's wrapper for our binding; the page may overwrite the global
  // Playwright's own CDP binding, called by that wrapper (playwright-core bindingsController.ts)
  var PW_BINDING = "__playwright__binding__";
  var pwBinding = G[PW_BINDING];

  var frameFlag = false;
  try {
    frameFlag = G.top !== G;
  } catch (e) {
    frameFlag = true;
  }
  var docId = Math.random().toString(36).slice(2, 10) + dateNow().toString(36);
  var HEAD = '{"v":1,"doc":' + stringify(docId) + ',"frame":' + frameFlag + ',"records":[';

  function noop() {}

  function later(fn) {
    if (microtask) {
      try {
        return reflectApply(microtask, G, [fn]);
      } catch (e) {}
    }
    try {
      promiseThen(reflectApply(promiseResolve, PromiseC, []), fn);
    } catch (e) {}
  }

  // ---- values -> JSON text ----
  var budget = MAX_CONTAINERS;
  var path = []; // path[d]: the container being written at depth d (own slots, never pushed)
  for (var p = 0; p <= MAX_DEPTH; p++) path[p] = null;

  function q(s) {
    return stringify(s);
  }

  function mark(type) {
    return '{"__type":"' + type + '"}';
  }

  function mark1(type, key, text) {
    return '{"__type":"' + type + '","' + key + '":' + text + "}";
  }

  function safeString(e) {
    try {
      return StringC(e !== null && typeof e === "object" && e.message !== undefined ? e.message : e);
    } catch (e2) {
      return "?";
    }
  }

  function thrown(e) {
    return mark1("thrown", "message", q(safeString(e)));
  }

  function isObject(v) {
    return v !== null && (typeof v === "object" || typeof v === "function");
  }

  function isNode(v) {
    try {
      return typeof v.nodeType === "number" && typeof v.nodeName === "string";
    } catch (e) {
      return false;
    }
  }

  function enc(v, depth) {
    try {
      return encValue(v, depth);
    } catch (e) {
      return thrown(e); // a Proxy trap, a cross-origin object, a throwing toStringTag...
    }
  }

  function encValue(v, depth) {
    var t = typeof v;
    if (t === "string") return q(v);
    if (t === "number") {
      return v === v && v !== Infinity && v !== -Infinity ? "" + v : mark1("number", "value", '"' + v + '"');
    }
    if (t === "boolean") return v ? "true" : "false";
    if (v === null) return "null";
    if (t === "undefined") return mark("undefined");
    if (t === "bigint") return mark1("bigint", "value", '"' + bigintToString(v) + '"');
    if (t === "symbol") return mark1("symbol", "description", q(StringC(symbolDescription(v))));
    if (t === "function") {
      var fname = v.name;
      return mark1("function", "name", q(typeof fname === "string" ? fname : ""));
    }
    for (var i = 0; i < depth; i++) if (path[i] === v) return mark("cycle");
    if (depth >= MAX_DEPTH) return mark("depth");
    var tag = toStr(v);
    if (tag === "[object Date]") {
      var time = dateGetTime(v);
      return mark1("date", "value", time === time ? q(dateToISO(v)) : "null");
    }
    if (tag === "[object RegExp]") return mark1("regexp", "value", q(regexpToString(v)));
    if (v === G || v.window === v) return mark("window");
    if (isNode(v)) {
      var node = '{"__type":"node","name":' + q(StringC(v.nodeName));
      try {
        if (v.id) node += ',"id":' + q(StringC(v.id));
        var cls = v.className;
        if (typeof cls === "string" && cls) node += ',"class":' + q(cls);
      } catch (e) {}
      return node + "}";
    }
    if (--budget < 0) return mark1("truncated", "reason", '"record too large"');
    path[depth] = v;
    if (tag === "[object Arguments]") return mark1("arguments", "items", encList(v, depth, false));
    if (isArray(v)) return encList(v, depth, true);
    var out, n;
    if (tag === "[object Map]") {
      out = "";
      n = 0;
      mapEach(v, function (val, key) {
        if (n++ < MAX_ITEMS) {
          out += (n > 1 ? ",[" : "[") + enc(key, depth + 1) + "," + enc(val, depth + 1) + "]";
        }
      });
      return mark1("map", "entries", "[" + out + "]");
    }
    if (tag === "[object Set]") {
      out = "";
      n = 0;
      setEach(v, function (val) {
        if (n++ < MAX_ITEMS) out += (n > 1 ? "," : "") + enc(val, depth + 1);
      });
      return mark1("set", "items", "[" + out + "]");
    }
    if (tag === "[object Error]") {
      return '{"__type":"error","name":' + q(StringC(v.name)) + ',"message":' + q(StringC(v.message)) + "}";
    }
    if (tag === "[object Promise]") return mark("promise");
    var keys = keysOf(v); // own enumerable keys only: nothing from a polluted prototype
    n = keys.length;
    var lim = n < MAX_ITEMS ? n : MAX_ITEMS;
    out = "{";
    for (i = 0; i < lim; i++) {
      var key = keys[i];
      var text;
      try {
        text = enc(v[key], depth + 1);
      } catch (e) {
        text = thrown(e); // a throwing getter
      }
      out += (i ? "," : "") + q(key) + ":" + text;
    }
    if (n > MAX_ITEMS) out += ',"__truncated__":' + (n - MAX_ITEMS);
    return out + "}";
  }

  function encList(v, depth, holes) {
    var len = v.length >>> 0;
    var n = len < MAX_ITEMS ? len : MAX_ITEMS;
    var out = "[";
    for (var i = 0; i < n; i++) {
      if (i) out += ",";
      if (holes && !(i in v)) {
        out += mark("hole");
        continue;
      }
      var text;
      try {
        text = enc(v[i], depth + 1);
      } catch (e) {
        text = thrown(e);
      }
      out += text;
    }
    if (len > MAX_ITEMS) out += (n ? "," : "") + mark1("truncated", "more", "" + (len - MAX_ITEMS));
    return out + "]";
  }

  function serialize(value) {
    budget = MAX_CONTAINERS;
    return enc(value, 0);
  }

  function recordText(name, kind, itemText) {
    var href = "";
    try {
      href = "" + location.href;
    } catch (e) {}
    return '{"dl":' + q(name) + ',"kind":"' + kind + '","href":' + q(href) + ',"t":' + dateNow() +
      ',"item":' + itemText + "}";
  }

  // ---- transport: one binding call per microtask ----
  var queued = ""; // records as JSON text, comma-separated
  var scheduled = false;

  function enqueue(text) {
    queued = queued ? queued + "," + text : text;
    if (!scheduled) {
      scheduled = true;
      // one binding call per microtask: ~10x cheaper than one per push, and it still goes
      // out before a navigation started in the same task commits
      later(flush);
    }
  }

  function takeQueued() {
    var text = queued;
    queued = "";
    return text;
  }

  function flush() {
    scheduled = false;
    if (queued) send(HEAD + takeQueued() + "]}");
  }

  // What Playwright's page-side wrapper (bindingsController.ts, callBinding) looks up while it
  // sends: Map get/set, `new Promise`, `new Map`, Object.is, JSON.stringify (and any toJSON on
  // the prototypes of its payload), and its CDP binding. Each is put back, for this call only,
  // if the page replaced it; ABSENT means "must not exist".
  var ABSENT = {};
  var guards = [
    [G, "JSON", JSONObj], [JSONObj, "stringify", stringify], [ObjectC, "is", objectIs],
    [G, "Promise", PromiseC], [G, "Map", MapC], [MapProto, "get", origMapGet],
    [MapProto, "set", origMapSet], [ObjectProto, "toJSON", ABSENT], [ArrayProto, "toJSON", ABSENT],
  ];
  if (typeof pwBinding === "function") guards[guards.length] = [G, PW_BINDING, pwBinding];
  for (var gi = 0; gi < guards.length; gi++) {
    guards[gi][3] = undefined; // the page's descriptor while swapped
    guards[gi][4] = 0; // 0 untouched, 1 defined/deleted, 2 assigned
  }

  function isIntact(d, want) {
    if (want === ABSENT) return d === undefined;
    return d !== undefined && hasOwn(d, "value") && d.value === want;
  }

  function swapIn() {
    for (var i = 0; i < guards.length; i++) {
      var g = guards[i];
      g[4] = 0;
      try {
        var d = getOwnDesc(g[0], g[1]);
        if (isIntact(d, g[2])) continue;
        if (d !== undefined) setProto(d, null);
        g[3] = d;
        if (d === undefined || d.configurable) {
          if (g[2] === ABSENT) delete g[0][g[1]];
          else defineProperty(g[0], g[1], { __proto__: null, value: g[2], writable: true, configurable: true });
          g[4] = 1;
        } else if (g[2] !== ABSENT && hasOwn(d, "value") && d.writable) {
          g[0][g[1]] = g[2];
          g[4] = 2;
        }
      } catch (e) {}
    }
  }

  function swapOut() {
    for (var i = guards.length - 1; i >= 0; i--) {
      var g = guards[i];
      try {
        if (g[4] === 1) {
          if (g[3] === undefined) delete g[0][g[1]];
          else defineProperty(g[0], g[1], g[3]);
        } else if (g[4] === 2) {
          g[0][g[1]] = g[3].value;
        }
      } catch (e) {}
      g[3] = undefined;
      g[4] = 0;
    }
  }

  function send(text) {
    var emit = typeof emitFn === "function" ? emitFn : G[BINDING];
    if (typeof emit !== "function") return; // not under tracker-check: nothing to send to
    var result;
    swapIn();
    try {
      // one string: Playwright moves it as-is and Python parses it with the C json module
      result = emit(text);
    } catch (e) {
    } finally {
      swapOut();
    }
    if (isObject(result)) {
      try {
        promiseThen(result, undefined, noop);
      } catch (e) {}
    }
  }

  // ---- recording ----
  // per instrumented array: identity multiset of the items seen going in (bypass check)
  var seenByArray = new WeakMapC();
  // per data-layer name: how many times each object was recorded, so an array assigned as a
  // copy (`dataLayer = dataLayer.concat([x])`) does not record its earlier items again
  var recordedByName = new MapC();

  function record(name, value) {
    enqueue(recordText(name, "push", serialize(value)));
  }

  function timesRecorded(name, value) {
    var counts = mapGet(recordedByName, name);
    return (counts && weakGet(counts, value)) || 0;
  }

  function countRecorded(name, value) {
    if (!isObject(value)) return;
    var counts = mapGet(recordedByName, name);
    if (!counts) mapSet(recordedByName, name, (counts = new WeakMapC()));
    weakSet(counts, value, timesRecorded(name, value) + 1);
  }

  function markSeen(arr, value) {
    var seen = weakGet(seenByArray, arr);
    if (seen) mapSet(seen, value, (mapGet(seen, value) || 0) + 1);
  }

  // one pushed argument
  function pushed(st, value) {
    var credit = st.credits !== null ? mapGet(st.credits, value) || 0 : 0;
    if (credit > 0) {
      // an item the library took out of the array and pushes again (ACDL does, on load)
      mapSet(st.credits, value, credit - 1);
    } else {
      record(st.name, value);
      countRecorded(st.name, value);
    }
    if (st.isArray) markSeen(st.target, value);
  }

  // `push` of an instrumented layer is an accessor: whatever function is assigned to it (GTM's
  // wrapper, ACDL's push, Matomo's proxy) is kept and returned wrapped in one of these. A push
  // is recorded by the outermost wrapper it enters; an older wrapper called while a newer one
  // runs is that newer function chaining to the push it replaced, so it records nothing. A
  // push through `layer.push` always gets the current wrapper, so pushes made inside a push
  // handler are recorded too.
  function makeWrapper(st, inner) {
    var j = st.next++;
    var w = function () {
      var outer = st.top;
      if (st.current === w || j > outer) {
        try {
          for (var a = 0; a < arguments.length; a++) pushed(st, arguments[a]);
        } catch (e) {}
      }
      st.top = j > outer ? j : outer;
      try {
        var fn = inner;
        if (fn === null) {
          // nobody assigned a push: whatever the prototype has now, as without the hook
          var proto = getProto(st.target);
          fn = proto !== null ? proto.push : undefined;
          if (typeof fn !== "function") fn = origPush;
        }
        return reflectApply(fn, this, arguments);
      } finally {
        st.top = outer;
      }
    };
    weakSet(st.wrappers, w, true);
    return w;
  }

  function assignPush(st, fn) {
    if (typeof fn !== "function" || weakGet(st.wrappers, fn)) {
      st.current = fn;
      return;
    }
    st.current = makeWrapper(st, fn);
    if (st.isArray) grantCredits(st);
  }

  // Items seen going into the array that are no longer in it when a library installs its
  // push: it took them out to push them again through that push (ACDL). Those re-pushes,
  // until the end of this task, are not new records.
  function grantCredits(st) {
    var seen = weakGet(seenByArray, st.target);
    if (!seen) return;
    var left = new MapC();
    mapEach(seen, function (count, value) {
      mapSet(left, value, count);
    });
    var arr = st.target;
    for (var k = 0; k < arr.length; k++) {
      if (!(k in arr)) continue;
      var c = mapGet(left, arr[k]);
      if (c) mapSet(left, arr[k], c - 1);
    }
    var credits = null;
    mapEach(left, function (count, value) {
      if (count > 0) mapSet(credits || (credits = new MapC()), value, count);
    });
    if (credits === null) return;
    st.credits = credits;
    later(function () {
      if (st.credits === credits) st.credits = null;
    });
  }

  function instrument(name, target) {
    if (!isObject(target) || wrappedHas(wrappedSet, target)) return;
    try {
      var arr = isArray(target);
      var own = getOwnDesc(target, "push");
      var ownFn = own !== undefined && hasOwn(own, "value") && typeof own.value === "function";
      if (own !== undefined && (!own.configurable || !ownFn)) return; // not ours to wrap
      if (!arr && !ownFn && typeof target.push !== "function") return; // a snapshot layer
      wrappedAdd(wrappedSet, target);
      var st = {
        name: name, target: target, isArray: arr, current: undefined, top: -1, next: 0,
        credits: null, wrappers: new WeakMapC(),
      };
      if (arr) {
        weakSet(seenByArray, target, new MapC());
        var inArray = new MapC(); // occurrences of each object so far in this array
        for (var i = 0; i < target.length; i++) {
          var item = target[i];
          if (isObject(item)) {
            var nth = (mapGet(inArray, item) || 0) + 1;
            mapSet(inArray, item, nth);
            if (nth > timesRecorded(name, item)) {
              record(name, item);
              countRecorded(name, item);
            }
          } else {
            record(name, item);
          }
          markSeen(target, item);
        }
      }
      st.current = makeWrapper(st, ownFn ? own.value : null);
      defineProperty(target, "push", {
        __proto__: null,
        configurable: true,
        enumerable: own !== undefined && own.enumerable,
        get: function () {
          return st.current;
        },
        set: function (fn) {
          assignPush(st, fn);
        },
      });
    } catch (e) {}
  }

  function hook(name) {
    var current;
    try {
      var existing = getOwnDesc(G, name);
      if (existing && !existing.configurable) return; // cannot own it; the bypass check still works
      if (existing) {
        current = G[name];
        delete G[name];
      }
      defineProperty(G, name, {
        __proto__: null,
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

  // ---- object layers (W3C CEDDL digitalData): snapshots when their serialization changed ----
  var lastSnapshot = new MapC();

  function snapshots() {
    var out = "";
    for (var i = 0; i < names.length; i++) {
      var name = names[i];
      try {
        var v = G[name];
        if (!isObject(v) || typeof v === "function" || isArray(v) || typeof v.push === "function") continue;
        var text = serialize(v);
        if (text === mapGet(lastSnapshot, name)) continue;
        mapSet(lastSnapshot, name, text);
        out += (out ? "," : "") + recordText(name, "snapshot", text);
      } catch (e) {}
    }
    return out;
  }

  function snapshotNow() {
    var text = snapshots();
    if (text) enqueue(text);
  }

  // Items in the array that no push delivered: written by index, or pushed through a `push`
  // defined over ours. `markIt` makes later checks report each item once. Answers one message
  // (JSON text) with what is still queued, new snapshots, and the missed items per layer.
  function check(markIt) {
    var records = takeQueued();
    var snaps = snapshots();
    if (snaps) records += (records ? "," : "") + snaps;
    var out = "";
    for (var i = 0; i < names.length; i++) {
      var name = names[i];
      var arr;
      try {
        arr = G[name];
      } catch (e) {
        continue;
      }
      if (!isArray(arr)) continue;
      var seen = weakGet(seenByArray, arr);
      if (!seen) continue;
      var left = new MapC();
      mapEach(seen, function (count, value) {
        mapSet(left, value, count);
      });
      var missed = "";
      for (var k = 0; k < arr.length; k++) {
        if (!(k in arr)) continue;
        var item = arr[k];
        var n = mapGet(left, item) || 0;
        if (n > 0) {
          mapSet(left, item, n - 1);
          continue;
        }
        missed += (missed ? "," : "") + '{"index":' + k + ',"item":' + serialize(item) + "}";
        if (markIt) {
          // reported once: seen from now on, and known if the array is later copied
          mapSet(seen, item, (mapGet(seen, item) || 0) + 1);
          countRecorded(name, item);
        }
      }
      if (!missed) continue;
      var href = "";
      try {
        href = "" + location.href;
      } catch (e) {}
      out += (out ? "," : "") + '{"dl":' + q(name) + ',"href":' + q(href) + ',"t":' + dateNow() +
        ',"missed":[' + missed + "]}";
    }
    return HEAD + records + '],"checks":[' + out + "]}";
  }

  var helper = ObjectC.freeze({ __proto__: null, check: check });
  // an accessor that ignores writes: a page assigning the name neither breaks the check nor
  // gets a TypeError in strict mode
  defineProperty(G, HELPER, {
    __proto__: null,
    configurable: false,
    enumerable: false,
    get: function () {
      return helper;
    },
    set: noop,
  });
  for (var ni = 0; ni < names.length; ni++) hook(names[ni]);
  try {
    addListener(G, "DOMContentLoaded", snapshotNow, true);
    addListener(G, "load", snapshotNow, true);
  } catch (e) {}
})(__TRACKER_CHECK_CONFIG__);

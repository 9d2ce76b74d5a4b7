/*
 * JianGuan bid sealer for the browser: writes the package format documented in
 * jianguan/tendering/sealer/__init__.py (the Python sealer reads and opens it).
 *
 * No libraries and no network: WebCrypto does ECDH P-256, HKDF-SHA256, AES-KW and
 * AES-256-GCM; SM3 (absent from WebCrypto), CRC-32 and the stored-ZIP writer are below.
 * Large files are read in chunk_size slices (File.slice) and every encrypted chunk becomes
 * its own small Blob, which lets the browser page the package out of the JS heap.
 * Exposes window.JianGuanSealer (also module.exports under Node, which tests use).
 */
(function (root) {
  "use strict";

  var VERSION = 1;
  var SEALER_VERSION = "jianguan-sealer-js/1.0";
  var CHUNK_SIZE = 1 << 20;
  var TAG = 16;
  var PREFIX = 7;
  var HKDF_INFO = "jianguan-bid-v1";
  var AAD_LABEL = "jianguan-bid-v1\u0000";
  var KEY_CHECK_LABEL = "jianguan-bid-v1 key-check\u0000";
  var MAX_FILES = 9999;
  var ZIP_LIMIT = 0xffffffff; // no ZIP64 here: refuse what would need it
  var FORBIDDEN_NAME = /[\u0000-\u001f\u007f/\\:*?"<>|]/;
  var subtle = root.crypto && root.crypto.subtle;
  var enc = new TextEncoder();

  function fail(code, message) {
    var err = new Error(message);
    err.code = code;
    return err;
  }

  // ---- SM3 (GB/T 32905-2016) -------------------------------------------------------
  var SM3_IV = [0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600,
    0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e];
  var SM3_T = new Int32Array(64);
  (function () {
    for (var j = 0; j < 64; j++) {
      var t = j < 16 ? 0x79cc4519 : 0x7a879d8a;
      var r = j % 32;
      SM3_T[j] = r ? (t << r) | (t >>> (32 - r)) : t;
    }
  })();

  function rotl(x, n) { return (x << n) | (x >>> (32 - n)); }

  function Sm3() {
    this.v = new Int32Array(SM3_IV);
    this.buf = new Uint8Array(64);
    this.bufLen = 0;
    this.total = 0; // bytes; safe up to 2^53
    this.w = new Int32Array(68);
  }
  Sm3.prototype._block = function (b, off) {
    var w = this.w, v = this.v, j;
    for (j = 0; j < 16; j++) {
      var p = off + 4 * j;
      w[j] = (b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3];
    }
    for (j = 16; j < 68; j++) {
      var x = w[j - 16] ^ w[j - 9] ^ rotl(w[j - 3], 15);
      w[j] = (x ^ rotl(x, 15) ^ rotl(x, 23)) ^ rotl(w[j - 13], 7) ^ w[j - 6];
    }
    var A = v[0], B = v[1], C = v[2], D = v[3], E = v[4], F = v[5], G = v[6], H = v[7];
    for (j = 0; j < 64; j++) {
      var a12 = rotl(A, 12);
      var ss1 = rotl((a12 + E + SM3_T[j]) | 0, 7);
      var ss2 = ss1 ^ a12;
      var ff = j < 16 ? A ^ B ^ C : (A & B) | (A & C) | (B & C);
      var gg = j < 16 ? E ^ F ^ G : (E & F) | (~E & G);
      var tt1 = (ff + D + ss2 + (w[j] ^ w[j + 4])) | 0;
      var tt2 = (gg + H + ss1 + w[j]) | 0;
      D = C; C = rotl(B, 9); B = A; A = tt1;
      H = G; G = rotl(F, 19); F = E; E = tt2 ^ rotl(tt2, 9) ^ rotl(tt2, 17);
    }
    v[0] ^= A; v[1] ^= B; v[2] ^= C; v[3] ^= D; v[4] ^= E; v[5] ^= F; v[6] ^= G; v[7] ^= H;
  };
  Sm3.prototype.update = function (data) {
    var i = 0, n = data.length;
    this.total += n;
    if (this.bufLen) {
      while (i < n && this.bufLen < 64) this.buf[this.bufLen++] = data[i++];
      if (this.bufLen < 64) return this;
      this._block(this.buf, 0);
      this.bufLen = 0;
    }
    for (; i + 64 <= n; i += 64) this._block(data, i);
    while (i < n) this.buf[this.bufLen++] = data[i++];
    return this;
  };
  Sm3.prototype.digest = function () {
    var bits = this.total * 8;
    var pad = new Uint8Array(((this.bufLen + 8) >> 6 << 6) + 64 - this.bufLen);
    pad[0] = 0x80;
    var dv = new DataView(pad.buffer);
    dv.setUint32(pad.length - 8, Math.floor(bits / 0x100000000));
    dv.setUint32(pad.length - 4, bits >>> 0);
    this.total -= pad.length; // padding is not message
    this.update(pad);
    var out = new Uint8Array(32), odv = new DataView(out.buffer);
    for (var j = 0; j < 8; j++) odv.setInt32(4 * j, this.v[j]);
    return out;
  };

  function sm3Hex(bytes) {
    if (typeof bytes === "string") bytes = enc.encode(bytes);
    return hex(new Sm3().update(toU8(bytes)).digest());
  }

  // ---- CRC-32 (ZIP) ------------------------------------------------------------------
  var CRC_TABLE = (function () {
    var t = new Uint32Array(256);
    for (var n = 0; n < 256; n++) {
      var c = n;
      for (var k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      t[n] = c >>> 0;
    }
    return t;
  })();
  function crc32(crc, data) {
    var c = ~crc;
    for (var i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
    return ~c >>> 0;
  }

  // ---- encodings ---------------------------------------------------------------------
  function toU8(x) {
    if (x instanceof Uint8Array) return x;
    if (ArrayBuffer.isView(x)) return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
    return new Uint8Array(x);
  }
  function hex(bytes) {
    bytes = toU8(bytes);
    var s = "";
    for (var i = 0; i < bytes.length; i++) s += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return s;
  }
  function fromHex(s) {
    if (!/^([0-9a-fA-F]{2})*$/.test(s)) throw fail("invalid_input", "十六进制字符串不合法");
    var out = new Uint8Array(s.length / 2);
    for (var i = 0; i < out.length; i++) out[i] = parseInt(s.substr(2 * i, 2), 16);
    return out;
  }
  function b64(bytes) {
    bytes = toU8(bytes);
    var s = "";
    for (var i = 0; i < bytes.length; i += 0x8000) {
      s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return btoa(s);
  }
  function fromB64(s) {
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  function pem(label, der) {
    var body = b64(der).replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
    return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
  }
  function fromPem(text, label) {
    var m = new RegExp("-----BEGIN " + label + "-----([^-]+)-----END " + label + "-----")
      .exec(String(text));
    if (!m) {
      if (/ENCRYPTED PRIVATE KEY/.test(text)) {
        throw fail("wrong_key", "浏览器无法读取带口令的私钥，请使用命令行工具");
      }
      throw fail("invalid_input", "不是 " + label + " PEM 格式");
    }
    return fromB64(m[1].replace(/\s+/g, ""));
  }
  function concat(parts) {
    var n = 0, i;
    for (i = 0; i < parts.length; i++) n += parts[i].length;
    var out = new Uint8Array(n), off = 0;
    for (i = 0; i < parts.length; i++) { out.set(parts[i], off); off += parts[i].length; }
    return out;
  }

  // Python's json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False).
  function cmpCodePoints(a, b) {
    var ia = Array.from(a), ib = Array.from(b);
    for (var i = 0; i < Math.min(ia.length, ib.length); i++) {
      var d = ia[i].codePointAt(0) - ib[i].codePointAt(0);
      if (d) return d;
    }
    return ia.length - ib.length;
  }
  function canonicalJson(v) {
    if (v === null || typeof v === "boolean" || typeof v === "string") return JSON.stringify(v);
    if (typeof v === "number") {
      if (!Number.isSafeInteger(v)) throw fail("invalid_input", "规范化 JSON 只允许整数");
      return String(v);
    }
    if (Array.isArray(v)) return "[" + v.map(canonicalJson).join(",") + "]";
    return "{" + Object.keys(v).sort(cmpCodePoints).map(function (k) {
      return JSON.stringify(k) + ":" + canonicalJson(v[k]);
    }).join(",") + "}";
  }

  // ---- keys --------------------------------------------------------------------------
  var ECDH = { name: "ECDH", namedCurve: "P-256" };

  async function generateKeyPair() {
    var pair = await subtle.generateKey(ECDH, true, ["deriveBits"]);
    return {
      privateKeyPkcs8Pem: pem("PRIVATE KEY", await subtle.exportKey("pkcs8", pair.privateKey)),
      publicKeySpkiPem: pem("PUBLIC KEY", await subtle.exportKey("spki", pair.publicKey)),
    };
  }
  async function sha256Hex(bytes) { return hex(await subtle.digest("SHA-256", bytes)); }

  async function kek(privateKey, publicKey, salt, usage) {
    var shared = await subtle.deriveBits({ name: "ECDH", public: publicKey }, privateKey, 256);
    var ikm = await subtle.importKey("raw", shared, "HKDF", false, ["deriveKey"]);
    return subtle.deriveKey(
      { name: "HKDF", hash: "SHA-256", salt: salt, info: enc.encode(HKDF_INFO) },
      ikm, { name: "AES-KW", length: 256 }, false, [usage]);
  }

  // ---- machine fingerprint -----------------------------------------------------------
  function fingerprint() {
    var nav = root.navigator || {}, scr = root.screen || {};
    var fp = {
      kind: "browser",
      user_agent: String(nav.userAgent || ""),
      platform: String(nav.platform || ""),
      language: String(nav.language || ""),
      screen: (scr.width || 0) + "x" + (scr.height || 0) + "x" + (scr.colorDepth || 0),
      timezone: String(Intl.DateTimeFormat().resolvedOptions().timeZone || ""),
      sealer_version: SEALER_VERSION,
    };
    fp.sm3 = sm3Hex(canonicalJson(fp));
    return fp;
  }

  // ---- ZIP (stored entries, no ZIP64, DOS time 1980-01-01 like the Python writer) -----
  function localHeader(name, crc, size) {
    var n = enc.encode(name), h = new Uint8Array(30 + n.length), d = new DataView(h.buffer);
    d.setUint32(0, 0x04034b50, true); d.setUint16(4, 20, true);
    d.setUint16(12, 0x21, true); d.setUint32(14, crc, true);
    d.setUint32(18, size, true); d.setUint32(22, size, true); d.setUint16(26, n.length, true);
    h.set(n, 30);
    return h;
  }
  function centralEntry(e) {
    var n = enc.encode(e.name), h = new Uint8Array(46 + n.length), d = new DataView(h.buffer);
    d.setUint32(0, 0x02014b50, true); d.setUint16(4, 20, true); d.setUint16(6, 20, true);
    d.setUint16(14, 0x21, true); d.setUint32(16, e.crc, true);
    d.setUint32(20, e.size, true); d.setUint32(24, e.size, true); d.setUint16(28, n.length, true);
    d.setUint32(42, e.offset, true);
    h.set(n, 46);
    return h;
  }
  function endOfCentral(count, size, offset) {
    var h = new Uint8Array(22), d = new DataView(h.buffer);
    d.setUint32(0, 0x06054b50, true); d.setUint16(8, count, true); d.setUint16(10, count, true);
    d.setUint32(12, size, true); d.setUint32(16, offset, true);
    return h;
  }

  // ---- sealing -----------------------------------------------------------------------
  function chunkCount(size, chunkSize) { return Math.max(1, Math.ceil(size / chunkSize)); }

  function validateSummary(summary) {
    if (!summary || typeof summary !== "object" || Array.isArray(summary) ||
        !Object.keys(summary).length) {
      throw fail("invalid_input", "开标一览表必须是非空的 JSON 对象");
    }
    Object.keys(summary).forEach(function (k) {
      var v = summary[k];
      if (!k) throw fail("invalid_input", "开标一览表的字段名必须是非空字符串");
      if (!(typeof v === "string" || Number.isSafeInteger(v))) {
        throw fail("invalid_input", "开标一览表字段 " + k + " 的值必须是字符串或整数");
      }
    });
    if ("nonce" in summary) throw fail("invalid_input", "开标一览表中的 nonce 字段由封装工具生成");
  }

  function validateFiles(files) {
    if (files.length > MAX_FILES) throw fail("invalid_input", "一次最多封装 " + MAX_FILES + " 个文件");
    var seen = {};
    files.forEach(function (f) {
      var name = f.name;
      if (typeof name !== "string" || !name.trim() || name === "." || name === ".." ||
          name.length > 255 || FORBIDDEN_NAME.test(name)) {
        throw fail("invalid_input", "文件名不合法：" + name);
      }
      var key = name.toLowerCase();
      if (seen[key]) throw fail("invalid_input", "文件名重复：" + name);
      seen[key] = true;
    });
  }

  function mediaType(file) {
    if (file.type && file.type.length <= 255) return file.type;
    var ext = (/\.([^.]+)$/.exec(file.name) || [])[1];
    var known = { pdf: "application/pdf", zip: "application/zip", txt: "text/plain",
      json: "application/json", xml: "application/xml", jpg: "image/jpeg", png: "image/png" };
    return known[(ext || "").toLowerCase()] || "application/octet-stream";
  }

  function aad(kind, index) {
    var label = enc.encode(AAD_LABEL), out = new Uint8Array(label.length + 5);
    out.set(label);
    out[label.length] = kind;
    new DataView(out.buffer).setUint32(label.length + 1, index);
    return out;
  }

  // Encrypt one blob as a STREAM entry; returns its manifest fields and zip parts.
  async function sealEntry(blob, key, kind, index, chunkSize, progress) {
    var prefix = root.crypto.getRandomValues(new Uint8Array(PREFIX));
    var ad = aad(kind, index), plainHash = new Sm3(), cipherHash = new Sm3();
    var n = chunkCount(blob.size, chunkSize), parts = [], crc = 0, size = 0;
    for (var i = 0; i < n; i++) {
      var plain = new Uint8Array(await blob.slice(i * chunkSize, (i + 1) * chunkSize).arrayBuffer());
      var nonce = new Uint8Array(12);
      nonce.set(prefix);
      new DataView(nonce.buffer).setUint32(PREFIX, i);
      nonce[11] = i === n - 1 ? 1 : 0;
      var sealed = new Uint8Array(await subtle.encrypt(
        { name: "AES-GCM", iv: nonce, additionalData: ad, tagLength: 128 }, key, plain));
      plainHash.update(plain);
      cipherHash.update(sealed);
      crc = crc32(crc, sealed);
      size += sealed.length;
      parts.push(new Blob([sealed]));
      progress(plain.length);
    }
    if (size !== blob.size + TAG * n) throw fail("invalid_input", "文件在封装过程中被修改");
    return {
      fields: { size: blob.size, nonce_prefix: hex(prefix),
        sm3_plain: hex(plainHash.digest()), sm3_cipher: hex(cipherHash.digest()) },
      crc: crc, cipherSize: size, parts: parts,
    };
  }

  async function seal(options) {
    var files = Array.from(options.files || []);
    var summary = options.summary, onProgress = options.onProgress || function () {};
    var chunkSize = options.chunkSize || CHUNK_SIZE;
    if (!(chunkSize >= 1024 && chunkSize <= (16 << 20))) throw fail("invalid_input", "chunkSize 不合法");
    validateFiles(files);
    validateSummary(summary);
    var total = 0, estimate = 0;
    files.forEach(function (f) {
      total += f.size;
      estimate += 30 + 46 + 2 * 13 + f.size + TAG * chunkCount(f.size, chunkSize);
    });
    if (estimate + (1 << 21) >= ZIP_LIMIT) {
      throw fail("invalid_input", "投标文件总大小超过 4 GiB，浏览器封装不支持，请使用命令行工具");
    }
    var nonce = hex(root.crypto.getRandomValues(new Uint8Array(32)));
    var summaryFull = Object.assign({}, summary, { nonce: nonce });
    var summaryBlob = new Blob([enc.encode(canonicalJson(summaryFull))]);

    var spki = fromPem(options.recipientPublicKeyPem, "PUBLIC KEY");
    var recipient = await subtle.importKey("spki", spki, ECDH, true, []);
    var rawKey = root.crypto.getRandomValues(new Uint8Array(32));
    var dataKey = await subtle.importKey("raw", rawKey, "AES-GCM", true, ["encrypt"]);
    var eph = await subtle.generateKey(ECDH, true, ["deriveBits"]);
    var salt = root.crypto.getRandomValues(new Uint8Array(32));
    var wrapKey = await kek(eph.privateKey, recipient, salt, "wrapKey");
    var wrapped = await subtle.wrapKey("raw", dataKey, wrapKey, "AES-KW");
    var keyCheck = sm3Hex(concat([enc.encode(KEY_CHECK_LABEL), rawKey]));
    rawKey.fill(0);

    var done = 0;
    function progress(n) { done += n; onProgress({ done: done, total: total }); }
    var zipParts = [], central = [], offset = 0;
    function addEntry(name, crc, size, parts) {
      var header = localHeader(name, crc, size);
      central.push(centralEntry({ name: name, crc: crc, size: size, offset: offset }));
      zipParts.push(header);
      Array.prototype.push.apply(zipParts, parts);
      offset += header.length + size;
    }
    var entries = [];
    for (var i = 0; i < files.length; i++) {
      var r = await sealEntry(files[i], dataKey, 1, i, chunkSize, progress);
      addEntry("payload/" + String(i).padStart(4, "0") + ".bin", r.crc, r.cipherSize, r.parts);
      entries.push(Object.assign(r.fields, { index: i, name: files[i].name,
        media_type: mediaType(files[i]) }));
    }
    var s = await sealEntry(summaryBlob, dataKey, 2, 0, chunkSize, function () {});
    addEntry("summary.bin", s.crc, s.cipherSize, s.parts);
    var manifest = {
      format: "jianguan-sealed-bid", version: VERSION, cipher: "AES-256-GCM",
      chunk_size: chunkSize, created_at: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
      recipient_key_fingerprint: await sha256Hex(spki),
      key_wrap: { alg: "ECDH-P256+HKDF-SHA256+A256KW",
        ephemeral_public_key: b64(await subtle.exportKey("spki", eph.publicKey)),
        hkdf_salt: b64(salt), wrapped_key: b64(wrapped) },
      key_check: keyCheck, files: entries, summary: s.fields,
      fingerprint: options.fingerprint || fingerprint(),
    };
    var raw = enc.encode(canonicalJson(manifest));
    addEntry("manifest.json", crc32(0, raw), raw.length, [raw]);
    var cd = concat(central);
    if (offset + cd.length + 22 >= ZIP_LIMIT) throw fail("invalid_input", "投标文件超过 4 GiB");
    zipParts.push(cd, endOfCentral(central.length, cd.length, offset));
    return new Blob(zipParts, { type: "application/zip" });
  }

  // ---- reading (only what unwrapping needs; the platform validates fully) ------------
  async function readBytes(blob, start, end) {
    return new Uint8Array(await blob.slice(start, end).arrayBuffer());
  }
  async function readManifest(blob) {
    if (blob.size < 22) throw fail("malformed_package", "不是有效的投标文件封装");
    var eocd = await readBytes(blob, blob.size - 22, blob.size), d = new DataView(eocd.buffer);
    if (d.getUint32(0, true) !== 0x06054b50) throw fail("malformed_package", "找不到 ZIP 中央目录");
    var cdSize = d.getUint32(12, true), cdOff = d.getUint32(16, true);
    var cd = await readBytes(blob, cdOff, cdOff + cdSize), cv = new DataView(cd.buffer);
    for (var p = 0; p + 46 <= cd.length;) {
      var nlen = cv.getUint16(p + 28, true), elen = cv.getUint16(p + 30, true);
      var clen = cv.getUint16(p + 32, true);
      var name = new TextDecoder().decode(cd.subarray(p + 46, p + 46 + nlen));
      if (name === "manifest.json") {
        var size = cv.getUint32(p + 20, true), off = cv.getUint32(p + 42, true);
        if (size > (1 << 20)) throw fail("malformed_package", "manifest.json 超过 1 MiB");
        var lh = await readBytes(blob, off, off + 30), lv = new DataView(lh.buffer);
        var start = off + 30 + lv.getUint16(26, true) + lv.getUint16(28, true);
        var text = new TextDecoder().decode(await readBytes(blob, start, start + size));
        var m = JSON.parse(text);
        if (m.format !== "jianguan-sealed-bid") throw fail("malformed_package", "不是建管云投标文件封装");
        if (m.version !== VERSION) throw fail("unsupported", "不支持的封装格式版本：" + m.version);
        return m;
      }
      p += 46 + nlen + elen + clen;
    }
    throw fail("malformed_package", "缺少 manifest.json");
  }

  async function unwrapDataKey(options) {
    var m = await readManifest(options.packageBlob);
    var priv;
    try {
      priv = await subtle.importKey("pkcs8", fromPem(options.privateKeyPem, "PRIVATE KEY"),
        ECDH, true, ["deriveBits"]);
    } catch (e) {
      if (e.code) throw e;
      throw fail("wrong_key", "无法读取私钥（需要 P-256 PKCS#8 PEM）");
    }
    var jwk = await subtle.exportKey("jwk", priv);
    var pub = await subtle.importKey("jwk", { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y },
      ECDH, true, []);
    var fp = await sha256Hex(await subtle.exportKey("spki", pub));
    if (fp !== m.recipient_key_fingerprint) {
      throw fail("wrong_key", "私钥与投标文件不匹配（投标文件为公钥 " +
        m.recipient_key_fingerprint.slice(0, 16) + "… 封装）");
    }
    var w = m.key_wrap;
    var eph = await subtle.importKey("spki", fromB64(w.ephemeral_public_key), ECDH, false, []);
    var unwrapKey = await kek(priv, eph, fromB64(w.hkdf_salt), "unwrapKey");
    var key;
    try {
      // SM4 keys are 16 bytes: AES-GCM-128 is only a container to get the raw bytes out.
      key = await subtle.unwrapKey("raw", fromB64(w.wrapped_key), unwrapKey, "AES-KW",
        "AES-GCM", true, ["encrypt"]);
    } catch (e) {
      throw fail("wrong_key", "无法解开数据密钥：私钥与投标文件不匹配，或密钥封装已被篡改");
    }
    var raw = new Uint8Array(await subtle.exportKey("raw", key));
    if (sm3Hex(concat([enc.encode(KEY_CHECK_LABEL), raw])) !== m.key_check) {
      throw fail("wrong_key", "解出的数据密钥与清单中的密钥校验值不一致");
    }
    return hex(raw);
  }

  var api = {
    version: SEALER_VERSION,
    generateKeyPair: generateKeyPair,
    seal: seal,
    unwrapDataKey: unwrapDataKey,
    readManifest: readManifest,
    sm3Hex: sm3Hex,
    Sm3: Sm3,
    crc32: crc32,
    canonicalJson: canonicalJson,
    fingerprint: fingerprint,
    fromHex: fromHex,
  };
  root.JianGuanSealer = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof window !== "undefined" ? window : globalThis);

/*
 * The in-browser sealed bid (在线投标) and unsealing at opening (开标解密).
 *
 * Uses window.JianGuanSealer (sealer.js) and the tendering JSON API with the browser session
 * (X-CSRFToken on every unsafe request). The private key is generated, offered as a download
 * and used for unwrapping here only: it is never sent anywhere.
 */
(function () {
  "use strict";

  var S = window.JianGuanSealer;
  var CHUNK_TRIES = 3;
  var RESUME_ROUNDS = 3;
  var HASH_SLICE = 1 << 20;

  function $(id) { return document.getElementById(id); }
  function show(el) { if (el) el.classList.remove("d-none"); }
  function hide(el) { if (el) el.classList.add("d-none"); }

  function alertBox(message) {
    var box = $("bid-alert");
    if (!message) { hide(box); box.textContent = ""; return; }
    box.textContent = message;
    show(box);
    box.scrollIntoView({ block: "center" });
  }

  function ApiError(status, code, message) {
    this.status = status; this.code = code; this.message = message;
  }

  function client(root) {
    var base = root.dataset.api, csrf = root.dataset.csrf;
    return async function request(method, path, body, raw) {
      var headers = { "X-CSRFToken": csrf, Accept: "application/json" };
      var init = { method: method, headers: headers, credentials: "same-origin" };
      if (raw !== undefined) {
        headers["Content-Type"] = "application/octet-stream";
        init.body = raw;
      } else if (body !== undefined) {
        headers["Content-Type"] = "application/json";
        init.body = JSON.stringify(body);
      }
      var resp;
      try {
        resp = await fetch(base + path, init);
      } catch (e) {
        throw new ApiError(0, "network", "网络连接失败，请检查网络后重试");
      }
      var data = null;
      try { data = await resp.json(); } catch (e) { data = null; }
      if (!resp.ok) {
        var msg = data && data.message ? data.message : (data && data.detail) || "";
        throw new ApiError(resp.status, (data && data.code) || "http_" + resp.status,
          msg || "请求失败（HTTP " + resp.status + "）");
      }
      return data;
    };
  }

  function setBar(id, done, total) {
    var bar = $(id), pct = total ? Math.floor((done * 100) / total) : 100;
    bar.style.width = pct + "%";
    bar.setAttribute("aria-valuenow", String(pct));
    var label = $(id + "-text");
    if (label) label.textContent = pct + "%";
  }

  function stage(id, text) { var el = $(id); if (el) el.textContent = text; }

  function toHex(bytes) {
    var out = "";
    for (var i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return out;
  }

  // SM3 of a Blob, read in slices so a large package is never held twice in memory.
  async function blobSm3(blob) {
    if (!S.Sm3) return S.sm3Hex(new Uint8Array(await blob.arrayBuffer()));
    var h = new S.Sm3();
    for (var at = 0; at < blob.size; at += HASH_SLICE) {
      h.update(new Uint8Array(await blob.slice(at, at + HASH_SLICE).arrayBuffer()));
    }
    return toHex(h.digest());
  }

  function beijingTime(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) return iso;
    return new Intl.DateTimeFormat("zh-CN", {
      timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false,
    }).format(d);
  }

  function sizeText(n) {
    if (n < 1024) return n + " 字节";
    if (n < 1048576) return (n / 1024).toFixed(1) + " KB";
    return (n / 1048576).toFixed(2) + " MB";
  }

  function errorText(e) {
    if (e && e.message) return e.message;
    return "操作失败：" + String(e);
  }

  // ---- 在线投标 -------------------------------------------------------------------------
  function bidPage(root) {
    var api = client(root), tenderId = root.dataset.tender;
    var pemNode = $("bidder-public-pem");
    var publicPem = pemNode ? JSON.parse(pemNode.textContent) : "";
    var generated = null, downloadUrl = null;

    function enableForm() {
      $("bid-fields").disabled = false;
      $("btn-submit").disabled = false;
    }

    var gen = $("btn-generate");
    if (gen) {
      gen.addEventListener("click", async function () {
        alertBox("");
        gen.disabled = true;
        try {
          generated = await S.generateKeyPair();
        } catch (e) {
          gen.disabled = false;
          alertBox("生成密钥失败：" + errorText(e));
          return;
        }
        if (downloadUrl) URL.revokeObjectURL(downloadUrl);
        downloadUrl = URL.createObjectURL(
          new Blob([generated.privateKeyPkcs8Pem], { type: "application/x-pem-file" }));
        $("key-download").href = downloadUrl;
        show($("key-generated"));
      });
      $("key-saved").addEventListener("change", function () {
        $("btn-register").disabled = !this.checked;
      });
      $("btn-register").addEventListener("click", async function () {
        var btn = this;
        alertBox("");
        if (!generated || !$("key-saved").checked) return;
        btn.disabled = true;
        try {
          var out = await api("POST", "/tenders/" + tenderId + "/keys",
            { public_pem: generated.publicKeySpkiPem });
          publicPem = generated.publicKeySpkiPem;
          hide($("key-generated"));
          hide(gen);
          var done = $("key-done");
          done.textContent = "公钥已登记（指纹 " + out.fingerprint.slice(0, 16) + "…，" +
            beijingTime(out.registered_at) + "）。请妥善保存已下载的私钥文件，开标时用于解密。";
          show(done);
          enableForm();
        } catch (e) {
          btn.disabled = false;
          alertBox(errorText(e));
        }
      });
    }

    var lotSelect = $("id_lot");
    function bond() {
      var opt = lotSelect.options[lotSelect.selectedIndex];
      return opt ? opt.dataset.bond : "";
    }
    lotSelect.addEventListener("change", function () { $("id_bond").value = bond(); });
    $("btn-print").addEventListener("click", function () { window.print(); });

    function readForm() {
      var files = Array.from($("id_files").files || []);
      var price = $("id_price").value.trim().replace(/,/g, "");
      var days = $("id_duration").value.trim();
      var account = $("id_account").value.trim();
      var quality = $("id_quality").value.trim(), safety = $("id_safety").value.trim();
      if (!files.length) throw new Error("请选择投标文件");
      if (!/^\d{1,14}(\.\d{1,2})?$/.test(price) || Number(price) <= 0) {
        throw new Error("投标报价须为正数，最多两位小数");
      }
      if (!/^[1-9]\d{0,5}$/.test(days)) throw new Error("工期须为正整数（日历天）");
      if (!quality || !safety) throw new Error("请填写质量承诺和安全承诺");
      if (!/^\d{8,32}$/.test(account)) throw new Error("基本账户账号须为 8 至 32 位数字");
      return {
        files: files,
        lot: lotSelect.value,
        account: account,
        summary: { price: price, duration_days: parseInt(days, 10), quality: quality, safety: safety },
      };
    }

    async function putChunk(upload, pkg, n) {
      var start = n * upload.chunk_size;
      var body = pkg.slice(start, Math.min(start + upload.chunk_size, pkg.size));
      var last = null;
      for (var attempt = 1; attempt <= CHUNK_TRIES; attempt++) {
        try {
          return await api("PUT", "/uploads/" + upload.upload_id + "/chunks/" + n, undefined, body);
        } catch (e) {
          if (e.code === "chunk_duplicate") return null; // already on the server
          if (e.status >= 400 && e.status < 500 && e.status !== 408 && e.status !== 429) throw e;
          last = e;
          stage("bid-stage", "第 " + (n + 1) + " 片上传失败，正在重试（" + attempt + "/" + CHUNK_TRIES + "）…");
          await new Promise(function (r) { setTimeout(r, 300 * attempt); });
        }
      }
      throw last;
    }

    async function sendAll(upload, pkg) {
      var state = upload;
      for (var round = 0; round <= RESUME_ROUNDS; round++) {
        var missing = state.missing.slice();
        if (!missing.length) return;
        var failed = null;
        for (var i = 0; i < missing.length; i++) {
          try {
            var now = await putChunk(upload, pkg, missing[i]);
            if (now) setBar("upload-progress", now.received.length, now.chunks);
          } catch (e) {
            failed = e;
            if (e.status >= 400 && e.status < 500) throw e;
            break;
          }
        }
        stage("bid-stage", "核对已上传分片…");
        state = await api("GET", "/uploads/" + upload.upload_id); // resume from what arrived
        setBar("upload-progress", state.received.length, state.chunks);
        if (!state.missing.length) return;
        if (round === RESUME_ROUNDS && failed) throw failed;
      }
      throw new Error("仍有分片未上传成功，请稍后重试");
    }

    function showReceipt(r, lotLabel) {
      $("receipt-number").textContent = r.receipt_number;
      $("receipt-time").textContent = beijingTime(r.received_at);
      $("receipt-sm3").textContent = r.package_sm3;
      $("receipt-size").textContent = sizeText(r.package_size);
      $("receipt-lot").textContent = lotLabel;
      show($("receipt"));
      $("receipt").scrollIntoView({ block: "start" });
    }

    $("bid-form").addEventListener("submit", async function (ev) {
      ev.preventDefault();
      alertBox("");
      var input;
      try {
        input = readForm();
      } catch (e) { alertBox(e.message); return; }
      if (!publicPem) { alertBox("请先登记本项目的加密公钥"); return; }
      var btn = $("btn-submit");
      btn.disabled = true;
      $("bid-fields").disabled = true;
      hide($("receipt"));
      setBar("seal-progress", 0, 1);
      setBar("upload-progress", 0, 1);
      try {
        stage("bid-stage", "正在本机加密封装…");
        var pkg = await S.seal({
          files: input.files, summary: input.summary, recipientPublicKeyPem: publicPem,
          onProgress: function (p) { setBar("seal-progress", p.done, p.total); },
        });
        setBar("seal-progress", 1, 1);
        stage("bid-stage", "正在计算密封包 SM3…");
        var sm3 = await blobSm3(pkg);
        stage("bid-stage", "正在上传密封包…");
        var upload = await api("POST", "/tenders/" + tenderId + "/lots/" + input.lot + "/uploads", {
          size: pkg.size, sm3: sm3, bond_amount: bond(), bond_account: input.account,
        });
        setBar("upload-progress", upload.received.length, upload.chunks);
        await sendAll(upload, pkg);
        stage("bid-stage", "正在完成递交…");
        var receipt = await api("POST", "/uploads/" + upload.upload_id + "/complete", {});
        stage("bid-stage", "已递交。");
        showReceipt(receipt, lotSelect.options[lotSelect.selectedIndex].textContent);
      } catch (e) {
        stage("bid-stage", "");
        alertBox(errorText(e));
      } finally {
        btn.disabled = false;
        $("bid-fields").disabled = false;
      }
    });
  }

  // ---- 开标解密 -------------------------------------------------------------------------
  function unsealPage(root) {
    var api = client(root), bidId = root.dataset.bid;
    var btn = $("btn-unseal");
    if (!btn) return;
    btn.addEventListener("click", async function () {
      alertBox("");
      var file = ($("id_private_key").files || [])[0];
      if (!file) { alertBox("请选择私钥文件"); return; }
      btn.disabled = true;
      try {
        var pem = await file.text();
        stage("unseal-stage", "正在下载本单位的密封包…");
        var resp = await fetch(root.dataset.api + "/bids/" + bidId + "/package",
          { credentials: "same-origin" });
        if (!resp.ok) {
          var err = null;
          try { err = await resp.json(); } catch (e) { err = null; }
          throw new ApiError(resp.status, "", (err && err.message) || "下载密封包失败（HTTP " + resp.status + "）");
        }
        var blob = await resp.blob();
        stage("unseal-stage", "正在本机用私钥解出数据密钥…");
        var key = await S.unwrapDataKey({ packageBlob: blob, privateKeyPem: pem });
        stage("unseal-stage", "正在提交数据密钥…");
        var bid = await api("POST", "/bids/" + bidId + "/unseal", { data_key: key });
        stage("unseal-stage", "");
        var body = $("unseal-result-body"), badge = $("bid-status");
        if (bid.status === "opened") {
          body.textContent = "已解密：投标报价 " + bid.price + " 元" +
            (bid.duration_days ? "，工期 " + bid.duration_days + " 日历天" : "") + "。";
          badge.textContent = "已解密";
          badge.className = "badge bg-blue-lt";
        } else {
          body.textContent = "解密失败：" + (bid.failure_reason || bid.status);
          badge.textContent = bid.status === "revoked" ? "解密失败（撤销）" : "解密失败（视为撤回）";
          badge.className = "badge bg-red-lt";
        }
        show($("unseal-result"));
        hide($("unseal-card"));
      } catch (e) {
        stage("unseal-stage", "");
        btn.disabled = false;
        alertBox(errorText(e));
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var bid = $("bid-app"), unseal = $("unseal-app");
    if (bid) bidPage(bid);
    if (unseal) unsealPage(unseal);
  });
})();

// The chunked model upload: start a session, send the file in slices (each one checked by its
// offset on the server, so a slice lost on a bad connection is simply sent again), finish.
// No hashing here: the server computes the file's SM3 once all bytes are in.
(function () {
  "use strict";
  const form = document.getElementById("bim-upload");
  if (!form) return;
  const bar = document.querySelector("#upload-progress .progress-bar");
  const barBox = document.getElementById("upload-progress");
  const status = document.getElementById("upload-status");
  const errorBox = document.getElementById("upload-error");
  const button = document.getElementById("upload-button");
  const csrf = (document.querySelector("[name=csrfmiddlewaretoken]") || {}).value ||
    (JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "");
  const chunkSize = parseInt(form.dataset.chunkSize, 10) || 8 * 1024 * 1024;
  const maxSize = parseInt(form.dataset.maxSize, 10) || 0;
  const RETRIES = 3;

  function url(template, vars) {
    return template.replace(/\{(\w+)\}/g, (_, k) => encodeURIComponent(vars[k]));
  }

  function fail(message) {
    errorBox.textContent = message;
    errorBox.classList.remove("d-none");
    button.disabled = false;
    status.textContent = "";
  }

  function show(done, total) {
    const pct = total ? Math.floor((100 * done) / total) : 0;
    bar.style.width = pct + "%";
    barBox.setAttribute("aria-valuenow", String(pct));
    status.textContent = "已上传 " + (done / 1048576).toFixed(1) + " / " + (total / 1048576).toFixed(1) + " MB（" + pct + "%）";
  }

  async function call(method, target, body, type) {
    const headers = { "X-CSRFToken": csrf, Accept: "application/json" };
    if (type) headers["Content-Type"] = type;
    const r = await fetch(target, { method, headers, body, credentials: "same-origin" });
    let data = {};
    try {
      data = await r.json();
    } catch (e) {
      data = {};
    }
    if (!r.ok) {
      const err = new Error(data.message || "服务器返回错误（" + r.status + "）");
      err.status = r.status;
      err.data = data;
      throw err;
    }
    return data;
  }

  async function sendChunks(session, file) {
    let offset = session.received || 0;
    while (offset < file.size) {
      const slice = file.slice(offset, Math.min(offset + chunkSize, file.size));
      let tries = 0;
      for (;;) {
        try {
          const body = new FormData();
          body.append("offset", String(offset));
          body.append("chunk", slice, "chunk.bin");
          const r = await call("POST", url(form.dataset.chunk, { id: session.id }), body, null);
          offset = typeof r.received === "number" ? r.received : offset + slice.size;
          break;
        } catch (e) {
          tries += 1;
          // the server says where it is: resume from there (a slice sent twice is refused)
          if (e.data && e.data.details && typeof e.data.details.received === "number") {
            offset = e.data.details.received;
            break;
          }
          if (e.status && e.status < 500 && e.status !== 408) throw e;
          if (tries >= RETRIES) throw e;
          status.textContent = "网络中断，正在重试…";
          await new Promise((ok) => setTimeout(ok, 1000 * tries));
        }
      }
      show(offset, file.size);
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    errorBox.classList.add("d-none");
    const file = form.querySelector("input[type=file]").files[0];
    const discipline = form.querySelector("[name=discipline]").value;
    const label = form.querySelector("[name=label]").value.trim();
    if (!discipline || !label) return fail("请选择专业并填写版本号");
    if (!file) return fail("请选择 IFC 文件");
    if (!/\.ifc$/i.test(file.name)) return fail("仅接受 IFC 文件（.ifc）");
    if (maxSize && file.size > maxSize) {
      return fail("模型文件 " + (file.size / 1048576).toFixed(0) + " MB，超过上限 " + (maxSize / 1048576).toFixed(0) + " MB");
    }
    button.disabled = true;
    barBox.classList.remove("d-none");
    show(0, file.size);
    try {
      const session = await call(
        "POST",
        form.dataset.start,
        JSON.stringify({ project_id: parseInt(form.dataset.project, 10), discipline, label, file_name: file.name, size: file.size }),
        "application/json"
      );
      await sendChunks(session, file);
      status.textContent = "上传完成，正在校验文件…";
      const done = await call("POST", url(form.dataset.finish, { id: session.id }), "{}", "application/json");
      status.textContent = "已提交，模型正在后台解析。";
      window.location.href = done.id ? url(form.dataset.revision, { id: done.id }) : form.dataset.done;
    } catch (e) {
      fail(e.message || "上传失败");
    }
  });
})();

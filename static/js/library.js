// The library's player: a clip button plays just its stretch (seek to the start, pause at the end); the first
// play of a page view is counted once (POST to the entry's "played" URL); "Mark" buttons in the clip form take
// the player's position. The recording is served with byte ranges, so the browser can seek without reloading.
(function () {
  "use strict";

  const audio = document.getElementById("library-player");
  if (!audio) {
    return;
  }
  let stopAt = null;
  let counted = false;

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  audio.addEventListener("play", function () {
    if (counted || !audio.dataset.playedUrl) {
      return;
    }
    counted = true;
    fetch(audio.dataset.playedUrl, {
      method: "POST",
      headers: { "X-CSRFToken": csrfToken() },
      credentials: "same-origin",
    }).catch(function () {
      // A lost count is not worth bothering the listener with.
    });
  });

  audio.addEventListener("timeupdate", function () {
    if (stopAt !== null && audio.currentTime >= stopAt) {
      audio.pause();
      stopAt = null;
    }
  });

  function playClip(button) {
    const start = parseFloat(button.dataset.start);
    const end = parseFloat(button.dataset.end);
    if (Number.isNaN(start) || Number.isNaN(end)) {
      return;
    }
    audio.currentTime = start;
    stopAt = end;
    const playing = audio.play();
    if (playing && typeof playing.catch === "function") {
      playing.catch(function () {
        // Autoplay refused: the position is set, the listener presses play.
      });
    }
  }

  function mark(button) {
    const form = button.closest("form");
    const input = form && form.querySelector("input[name='" + button.dataset.mark + "_seconds']");
    if (input) {
      input.value = audio.currentTime.toFixed(2);
    }
  }

  document.addEventListener("click", function (event) {
    const clip = event.target.closest(".clip-play");
    if (clip) {
      event.preventDefault();
      playClip(clip);
      return;
    }
    const marker = event.target.closest("[data-mark]");
    if (marker) {
      event.preventDefault();
      mark(marker);
    }
  });

  // A seek by hand ends the clip: the listener wants to hear on.
  audio.addEventListener("seeking", function () {
    if (stopAt !== null && (audio.currentTime > stopAt + 0.5)) {
      stopAt = null;
    }
  });
})();

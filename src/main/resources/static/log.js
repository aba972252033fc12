// Follows a job's log over server-sent events. The server sends lines already escaped and coloured
// (AnsiHtml), so this only appends them; a dropped connection starts over from the first line.
(function () {
  var log = document.getElementById('log');
  if (!log) return;
  var status = document.getElementById('log-status');
  var jumped = false;
  function jumpToAnchor() {
    if (jumped || !location.hash) return;
    var target = document.getElementById(location.hash.substring(1));
    if (target) { target.scrollIntoView(); target.classList.add('target'); jumped = true; }
  }
  function open() {
    log.innerHTML = '';
    status.textContent = 'following…';
    var source = new EventSource(log.dataset.stream);
    source.addEventListener('lines', function (e) { log.insertAdjacentHTML('beforeend', e.data); jumpToAnchor(); });
    source.addEventListener('end', function () { source.close(); status.textContent = 'complete'; });
    source.onerror = function () { source.close(); status.textContent = 'reconnecting…'; setTimeout(open, 3000); };
  }
  open();
})();

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
  // A line still missing its newline is shown in one element that each newer version replaces.
  function dropPartial() {
    var partial = log.querySelector('.partial');
    if (partial) partial.remove();
  }
  // The job ended while the page was open: badge, failure reason and duration as a reload would show them.
  function showState(s) {
    var badge = document.getElementById('job-state');
    badge.textContent = s.state;
    badge.className = 'state ' + s.state;
    document.getElementById('job-duration').textContent = s.duration;
    var failure = document.getElementById('failure');
    document.getElementById('failure-state').textContent = s.state;
    document.getElementById('failure-reason').textContent = s.reason;
    document.getElementById('failure-exit').textContent = s.exitCode == null ? '' : '(exit code ' + s.exitCode + ')';
    failure.hidden = !s.reason;
  }
  // The first line of an attempt that hadn't started when the page loaded: show the pane, drop the note.
  function started() {
    if (!log.hidden) return;
    log.hidden = false;
    status.textContent = 'following…';
    var note = document.getElementById('log-note');
    if (note) note.remove();
  }
  function open() {
    log.innerHTML = '';
    var pending = log.dataset.pending === 'true';
    status.textContent = pending ? 'waiting for the job to start…' : 'following…';
    log.hidden = pending;
    var source = new EventSource(log.dataset.stream);
    source.addEventListener('lines', function (e) { started(); dropPartial(); log.insertAdjacentHTML('beforeend', e.data); jumpToAnchor(); });
    source.addEventListener('partial', function (e) {
      started();
      dropPartial();
      log.insertAdjacentHTML('beforeend', e.data);
      log.lastElementChild.classList.add('partial');
    });
    source.addEventListener('state', function (e) { showState(JSON.parse(e.data)); });
    source.addEventListener('end', function () { source.close(); status.textContent = 'complete'; });
    source.onerror = function () { source.close(); status.textContent = 'reconnecting…'; setTimeout(open, 3000); };
  }
  open();
})();

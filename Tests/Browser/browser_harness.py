"""What the browser tests in this folder share: the `loyalgate` binary and its child processes,
the core's socket, plain HTTP, a temporary folder cleaned up at the end, Debian's headless
Chromium through chromedriver, and the waits a page needs.

Each script imports it by name (`from browser_harness import ...`): Python puts a script's own
folder first on sys.path, so `python3 Tests/Browser/X.py` finds it wherever it is run from.
Every wait here has a timeout.
"""
import http.client as httpclient
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The Swift tests pass LOYALGATE_BIN; by hand the debug build is the default.
BIN = os.environ.get("LOYALGATE_BIN") or os.path.join(REPO, ".build/debug/loyalgate")
# LOYALGATE_SCREENSHOTS=docs/screenshots saves the scripts' screenshots there (empty: none).
SHOTS = os.environ.get("LOYALGATE_SCREENSHOTS")
# The processes started for this run, stopped (with their process groups) when its Workspace ends.
children = []


def ean13(payload):
    """The twelve digits with their EAN-13 check digit."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(payload)))
    return payload + str((10 - total % 10) % 10)


def check(condition, message):
    """One check, printed as a line when it holds; the first that does not ends the script."""
    if not condition:
        raise AssertionError(message)
    print("ok -", message, flush=True)


def run(arguments, stdin=None):
    """`loyalgate ARGUMENTS` to its end; its standard output, or an error with its stderr."""
    result = subprocess.run([BIN] + arguments, input=stdin, capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise AssertionError(f"loyalgate {' '.join(arguments)} exited {result.returncode}: {result.stderr}")
    return result.stdout


def start(arguments, log):
    """`loyalgate ARGUMENTS` in the background, in a process group of its own (so that stopping
    it stops what it started), its output in the log."""
    child = subprocess.Popen([BIN] + arguments, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    children.append(child)
    return child


def stop_children():
    """Each child's process group gets SIGTERM, and SIGKILL if it is not gone 10 s later."""
    for child in children:
        try:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(child.pid, signal.SIGKILL)
                    child.wait()
        except ProcessLookupError:  # gone meanwhile
            pass
    children.clear()


def add_user(state, name, role, password, merchant):
    """A back office account in the web's state folder, its password typed on standard input."""
    run(["web", "user", "add", name, "--role", role, "--merchant", merchant, "--state", state],
        stdin=password + "\n")


def wait_for(condition, what, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} within {seconds} s")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(port, method, path, body=None, cookies=None):
    """A plain HTTP request, as a script or another site's form would send it: no browser.
    The status, the body as text, the Set-Cookie values and the headers (names in lower case)."""
    connection = httpclient.HTTPConnection("127.0.0.1", int(port), timeout=30)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    connection.request(method, path, body=urllib.parse.urlencode(body or {}), headers=headers)
    response = connection.getresponse()
    text = response.read().decode()
    set_cookies = [v for k, v in response.getheaders() if k.lower() == "set-cookie"]
    connection.close()
    return response.status, text, set_cookies, dict((k.lower(), v) for k, v in response.getheaders())


def wait_for_web(port, seconds=30):
    """Until `loyalgate web` on the port serves its sign-in page."""
    def answers():
        try:
            return http(port, "GET", "/login")[0] == 200
        except OSError:
            return False
    wait_for(answers, "the web server answers", seconds)


def core_call(sock, request):
    """One op on the core's socket (these tests run as the core's user); the answer as it came."""
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(10)
        s.connect(sock)
        s.sendall((json.dumps(dict(request, id=1)) + "\n").encode())
        answer = b""
        while not answer.endswith(b"\n"):
            chunk = s.recv(65536)
            if not chunk:
                break
            answer += chunk
    return json.loads(answer)


def till_earn(sock, merchant, card, receipt, lines):
    """A sale from a till ("till-1"), straight to the core's socket; refused, the script ends."""
    result = core_call(sock, {"op": "txn.earn", "merchant": merchant, "card": card, "till": "till-1",
                              "receipt": receipt, "lines": lines})
    if not result.get("ok"):
        raise AssertionError(f"txn.earn refused: {result}")
    return result


def start_chromium(folder, window, language="en-US", downloads=None, implicit_wait=0, page_load_seconds=30):
    """Debian's headless Chromium through chromedriver, its profile in the run's folder.

    window is "WIDTH,HEIGHT"; language is what the browser asks pages for (the back office's
    language follows Accept-Language); downloads, a folder the browser saves downloads in
    without asking; implicit_wait, how long find_element waits for an element to appear (0: not
    at all, so a check that something is absent does not wait). page_load_seconds also bounds
    a click whose next page takes long: a script whose page waits for a printer gives more."""
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={window}", f"--lang={language}",
                     f"--user-data-dir={os.path.join(folder, 'profile')}"]:
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": f"{language},{language.split('-')[0]}"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        driver.set_page_load_timeout(page_load_seconds)
        driver.set_script_timeout(20)
        if downloads is not None:
            os.makedirs(downloads, exist_ok=True)
            driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
        driver.implicitly_wait(implicit_wait)
    except BaseException:
        driver.quit()
        raise
    return driver


def shot(driver, name):
    """A screenshot of the page as NAME.png, when LOYALGATE_SCREENSHOTS names a folder."""
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        driver.save_screenshot(os.path.join(SHOTS, name + ".png"))


def wait_until_gone(driver, page, seconds=20):
    """Waits until the element `page` (the old page's <html>) belongs to no page shown: stale,
    or answering with any other WebDriver error (the page in between a navigation can answer
    with one). Either way the old page is no longer the one shown."""
    def gone(_):
        try:
            page.is_enabled()
            return False
        except WebDriverException:
            return True
    WebDriverWait(driver, seconds, poll_frequency=0.05).until(
        gone, f"the next page did not replace the old one within {seconds} s")


def press(driver, element, seconds=20):
    """Clicks a button or link that loads a new page, and waits until the old page is gone: a
    click can return before the next page is there, and an element both pages have (the
    notice, a field) must not be read from the old one. Not for a click that stays on the page
    (a download, a script's button): there the old page never goes and this times out."""
    page = driver.find_element(By.TAG_NAME, "html")
    element.click()
    wait_until_gone(driver, page, seconds)


def press_id(driver, element_id, seconds=20):
    """press() on the element with this id."""
    press(driver, driver.find_element(By.ID, element_id), seconds)


def sign_in(driver, base, user, password, succeeds=True):
    """Signs in afresh (the browser's cookies cleared) on the sign-in page; when the sign-in is
    meant to succeed, waits until the page shown is a signed-in one (it has the logout form)."""
    driver.delete_all_cookies()
    driver.get(base + "/login")
    driver.find_element(By.ID, "user").send_keys(user)
    driver.find_element(By.ID, "password").send_keys(password)
    press_id(driver, "sign-in")
    if succeeds:
        WebDriverWait(driver, 20, poll_frequency=0.05).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, "form[action='/logout']"), f"{user} is not signed in")


class Workspace:
    """One run's temporary folder and its processes' log. Used as `with Workspace("lg-x-") as
    work:`; at the end, whatever happened, the browser (work.driver) quits, what was handed to
    at_end is called, every child is stopped and the folder removed (kept, and named, with
    LOYALGATE_KEEP set). When the run failed, the page the browser showed and the end of the
    processes' log are printed first."""

    def __init__(self, prefix):
        self.folder = tempfile.mkdtemp(prefix=prefix, dir="/tmp")
        self.log_path = os.path.join(self.folder, "processes.log")
        self.log = open(self.log_path, "w")
        self.driver = None
        self.ends = []

    def at_end(self, stop):
        """stop() is called when the run ends (a server this script serves, say)."""
        self.ends.append(stop)

    def __enter__(self):
        return self

    def __exit__(self, kind, error, trace):
        # Nothing here may raise: an error while cleaning up would hide the run's own.
        if kind is not None:
            self.tell()
        for stop in ([self.driver.quit] if self.driver is not None else []) + self.ends:
            try:
                stop()
            except Exception as problem:
                print("while stopping:", repr(problem), flush=True)
        stop_children()
        self.log.close()
        if os.environ.get("LOYALGATE_KEEP"):
            print("kept", self.folder, flush=True)
        else:
            shutil.rmtree(self.folder, ignore_errors=True)
        return False

    def tell(self):
        if self.driver is not None:
            try:
                print("page:", self.driver.current_url,
                      self.driver.find_element(By.TAG_NAME, "body").text[:2000], flush=True)
            except Exception as problem:  # the browser may be what failed
                print("page: not readable:", repr(problem), flush=True)
        self.log.flush()
        with open(self.log_path, errors="replace") as log:
            print("processes' log:", log.read()[-4000:], flush=True)

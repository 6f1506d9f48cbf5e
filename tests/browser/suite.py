"""The server's pages in real headless Chromium, driven by Selenium (run by tests/browser.rs).

    suite.py BASE_URL CREDENTIALS_FILE

BASE_URL is a running `lmsbridge serve --demo`, CREDENTIALS_FILE the JSON its --credentials-file
wrote (the demo token and sample ids). Each check waits for what it needs with WebDriverWait (no
fixed sleeps) and fails with a message that says what was expected, with an excerpt of the page.
Every page must load everything it uses from the server itself: the URLs of all the network
requests the browser made (its performance log) and of every page's resource timing entries must
start with BASE_URL.

Chromium and chromedriver are Debian's (/usr/bin/chromium, /usr/bin/chromedriver): Selenium is
handed both paths and runs offline, so Selenium Manager never downloads anything.
"""

import json
import os
import re
import shutil
import sys
import tempfile
import time
import traceback

os.environ["SE_OFFLINE"] = "true"

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import TimeoutException, WebDriverException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.select import Select  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# How long any one wait may take: generous for a busy two-core machine, never reached when all is well.
WAIT = 60
SOAP12_NS = "http://www.w3.org/2003/05/soap-envelope"


class Failure(AssertionError):
    pass


class Suite:
    def __init__(self, driver, base, credentials):
        self.driver = driver
        self.base = base.rstrip("/")
        self.token = credentials["token"]
        self.enrollment_id = credentials["enrollmentId"]
        # Every URL the browser requested, from the performance log, with the page it was on.
        self.requested = []
        self.checked_pages = 0
        # What a failure's excerpt shows: the part of the page (a CSS selector) the check works on.
        self.focus = None

    # ---- helpers ---------------------------------------------------------------------------

    def excerpt(self, limit=4000):
        """The page's source, or only the part of it the running check is about (self.focus)."""
        try:
            source = self.driver.page_source
            if self.focus:
                focused = self.driver.find_elements(By.CSS_SELECTOR, self.focus)
                if focused:
                    source = "\n".join(e.get_attribute("outerHTML") for e in focused)
        except WebDriverException as error:
            return f"(page source unavailable: {error})"
        # Inline styles and scripts say nothing about what went wrong; drop them.
        source = re.sub(r"<style[^>]*>.*?</style>", "<style>…</style>", source, flags=re.S)
        source = re.sub(r"<script[^>]*>.*?</script>", "<script>…</script>", source, flags=re.S)
        source = re.sub(r"<svg[^>]*>.*?</svg>", "<svg>…</svg>", source, flags=re.S)
        if len(source) > limit:
            source = source[:limit] + f"\n… ({len(source) - limit} more characters)"
        return f"--- {self.driver.current_url} ---\n{source}"

    def fail(self, message):
        raise Failure(f"{message}\n{self.excerpt()}")

    def check(self, condition, message):
        if not condition:
            self.fail(message)

    def wait(self, condition, message, timeout=WAIT):
        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.1).until(condition)
        except TimeoutException:
            self.fail(f"waited {timeout} s: {message}")

    def wait_for(self, css, message=None, visible=True):
        condition = EC.visibility_of_element_located if visible else EC.presence_of_element_located
        return self.wait(condition((By.CSS_SELECTOR, css)), message or f"no {'visible ' if visible else ''}element {css!r}")

    def open(self, path):
        self.driver.get(self.base + path)
        self.wait(lambda d: d.execute_script("return document.readyState") == "complete", f"{path} did not finish loading")

    def text(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css).text

    def click(self, element):
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        element.click()

    def collect_requests(self):
        """Moves the network requests logged since the last call into self.requested."""
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message.get("method") == "Network.requestWillBeSent":
                params = message["params"]
                self.requested.append((params.get("documentURL", ""), params["request"]["url"]))

    def assert_local_resources(self):
        """Every resource the current page loaded came from the server (resource timing)."""
        entries = self.driver.execute_script(
            "return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))"
            ".map((e) => e.name)"
        )
        self.check(entries, f"no navigation or resource timing entries on {self.driver.current_url}")
        foreign = [url for url in entries if not self.local(url)]
        self.check(not foreign, f"{self.driver.current_url} loaded resources from elsewhere: {foreign}")
        self.checked_pages += 1
        self.collect_requests()

    def local(self, url):
        # data: URLs (icons inlined in stylesheets) are part of the resource that holds them: no request leaves.
        return url.startswith(self.base + "/") or url == self.base or url.startswith("data:")

    # ---- checks ----------------------------------------------------------------------------

    def landing_page(self):
        self.open("/")
        self.check("lmsbridge" in self.driver.title, f"the title {self.driver.title!r} does not name lmsbridge")
        self.wait_for("section.face h2")
        titles = [h.text for h in self.driver.find_elements(By.CSS_SELECTOR, "section.face > h2")]
        expected = ["iSpring Learn SOAP API", "JSON API", "Skillable TMS API", "Rhythm Certifications API", "Academy Of Mine LMS API", "SCIM 2.0 provisioning", "Keepnet Labs reseller API", "Access tokens", "Operating"]
        self.check(titles == expected, f"the landing page's sections are {titles}, expected {expected}")
        for href in ["/api/v2/soap/2.0", "/api/v1/docs/", "/metrics", "/healthz"]:
            links = self.driver.find_elements(By.CSS_SELECTOR, f'section.face a[href="{href}"]')
            self.check(links and links[0].is_displayed(), f"no visible link to {href} on the landing page")
        self.assert_local_resources()

        # Follow the API reference link: Swagger UI's page comes up.
        self.click(self.driver.find_element(By.CSS_SELECTOR, 'section.face a[href="/api/v1/docs/"]'))
        self.wait(EC.url_to_be(self.base + "/api/v1/docs/"), "following the API reference link did not open /api/v1/docs/")
        self.wait_for("#swagger-ui .information-container .title", "Swagger UI did not render the document's title")
        self.assert_local_resources()

        # And the SOAP service page link, from the landing page again.
        self.open("/")
        self.click(self.driver.find_element(By.CSS_SELECTOR, 'section.face a[href="/api/v2/soap/2.0"]'))
        self.wait(EC.url_to_be(self.base + "/api/v2/soap/2.0"), "following the SOAP service link did not open /api/v2/soap/2.0")
        self.wait_for("table#operations")
        print("ok: landing page: title, five sections, links to the SOAP service page and the API reference work")

    def soap_service_page(self):
        self.open("/api/v2/soap/2.0")
        self.wait_for("table#operations")
        links = self.driver.find_elements(By.CSS_SELECTOR, 'table#operations a[href^="/api/v2/soap/2.0?op="]')
        names = [a.text for a in links]
        self.check(len(names) == 30, f"the service page lists {len(names)} operations, expected 30: {names}")
        self.check(len(set(names)) == 30, f"operations listed twice: {names}")
        self.check("GetEnrollments" in names, f"GetEnrollments is not listed: {names}")
        self.assert_local_resources()
        self.click(self.driver.find_element(By.LINK_TEXT, "GetEnrollments"))
        self.wait(EC.url_to_be(self.base + "/api/v2/soap/2.0?op=GetEnrollments"), "clicking GetEnrollments did not open its page")
        heading = self.wait_for("h2#operation")
        self.check(heading.text == "GetEnrollments", f"the operation page's heading is {heading.text!r}")
        rows = self.driver.find_elements(By.CSS_SELECTOR, "table#fields tr")
        self.check(len(rows) > 1, "the operation page's field table is empty")
        print(f"ok: SOAP service page: 30 operations; GetEnrollments opens its page ({len(rows) - 1} fields)")

    def send_form(self, token, version="1.1"):
        """Fills the GetEnrollments form, sends it and returns the status line once it is there."""
        self.open("/api/v2/soap/2.0?op=GetEnrollments")
        envelope = self.wait_for("textarea#envelope")
        self.check("<token>string</token>" in envelope.get_property("value"), "the sample envelope has no <token>string</token> placeholder")
        field = self.wait_for("input#token")
        field.clear()
        field.send_keys(token)
        Select(self.driver.find_element(By.ID, "version")).select_by_value(version)
        self.click(self.driver.find_element(By.ID, "send"))
        # The status reads "sending…" while the request is under way, then "<code> <reason> · <n> ms".
        status = self.wait(
            lambda d: (lambda t: t if re.match(r"^(\d{3} |the request failed)", t) else False)(d.find_element(By.ID, "response-status").text),
            f"no response status after sending the form (SOAP {version})",
        )
        self.check(not status.startswith("the request failed"), f"the form's request did not complete: {status}")
        self.assert_local_resources()
        return status

    def soap_form_success(self):
        status = self.send_form(self.token)
        self.check(status.startswith("200"), f"the form's request with the demo token answered {status!r}, expected 200")
        self.check(re.match(r"^200 OK · \d+ ms$", status), f"unexpected status line {status!r}")
        self.check("ok" in self.driver.find_element(By.ID, "response-status").get_attribute("class").split(), "a 200 status is not marked ok")
        body = self.text("#response-body")
        count = len(re.findall(r"<ns1:enrollmentId>", body))
        self.check(self.enrollment_id in body, f"the demo's sample enrollment {self.enrollment_id} is not in the response body")
        self.check(count >= 100, f"the response body has {count} enrollmentId elements, expected at least 100")
        headers = self.text("#response-headers")
        self.check(re.search(r"(?im)^content-type: text/xml", headers), f"the response headers show no text/xml content type:\n{headers}")
        fault = self.driver.find_element(By.ID, "fault")
        self.check(not fault.is_displayed(), f"the fault box shows after a success: {fault.text!r}")
        print(f"ok: GetEnrollments from the form (SOAP 1.1): {status}, {count} enrollments, the sample enrollment among them")

    def soap_form_fault(self):
        status = self.send_form("not-a-valid-token-" + "x" * 20)
        self.check(status.startswith("500"), f"the form's request with a wrong token answered {status!r}, expected 500")
        self.check("bad" in self.driver.find_element(By.ID, "response-status").get_attribute("class").split(), "a 500 status is not marked bad")
        fault = self.wait_for("#fault", "the fault box did not show after a fault")
        text = fault.text
        self.check("Authorization failed" in text, f"the fault box does not say 'Authorization failed': {text!r}")
        self.check(text.startswith("Fault SOAP-ENV:Client: Authorization failed"), f"the fault box's title is {text.splitlines()[:1]}")
        terms = [dt.text for dt in fault.find_elements(By.CSS_SELECTOR, "dl dt")]
        values = dict(zip(terms, [dd.text for dd in fault.find_elements(By.CSS_SELECTOR, "dl dd")]))
        self.check("requestId" in terms, f"the fault detail shows no requestId: {terms}")
        self.check(values.get("requestId", "").strip(), f"the fault detail's requestId is empty: {values}")
        headers = self.text("#response-headers")
        self.check(
            re.search(rf"(?im)^x-request-id: {re.escape(values['requestId'].strip())}$", headers),
            f"the fault's requestId {values['requestId']!r} is not the response's x-request-id:\n{headers}",
        )
        self.check("code" in terms and values.get("code"), f"the fault detail shows no code: {values}")
        self.check("Fault" in self.text("#response-body"), "the fault's XML is not in the response body")
        print(f"ok: a wrong token: {status}; the fault box shows {text.splitlines()[0]!r} and requestId {values['requestId']}")

    def soap12_form(self):
        status = self.send_form(self.token, version="1.2")
        self.check(status.startswith("200"), f"the form's SOAP 1.2 request answered {status!r}, expected 200")
        body = self.text("#response-body")
        self.check(SOAP12_NS in body, f"the SOAP 1.2 answer does not mention {SOAP12_NS}:\n{body[:600]}")
        self.check(self.enrollment_id in body, "the sample enrollment is not in the SOAP 1.2 answer")
        headers = self.text("#response-headers")
        self.check(re.search(r"(?im)^content-type: application/soap\+xml", headers), f"the SOAP 1.2 answer is not application/soap+xml:\n{headers}")
        self.check(not self.driver.find_element(By.ID, "fault").is_displayed(), "the fault box shows after a SOAP 1.2 success")
        print(f"ok: GetEnrollments from the form (SOAP 1.2): {status}, envelope in {SOAP12_NS}")

    def swagger_ui(self):
        self.open("/api/v1/docs/")
        block_css = "#operations-enrollments-getEnrollments"
        # Swagger UI's page is large: a failure shows the dialog and the operation.
        self.focus = f".dialog-ux, {block_css}"
        block = self.wait_for(block_css, "Swagger UI did not render the getEnrollments operation")

        # Authorize with the token: the Authorize button, the bearer field of the modal, its
        # Authorize button, then close the modal.
        self.click(self.wait_for(".scheme-container .btn.authorize", "no Authorize button"))
        modal = self.wait_for(".dialog-ux .modal-ux", "the Authorize button opened no dialog")
        field = self.wait(
            lambda d: next((e for e in modal.find_elements(By.CSS_SELECTOR, "input") if e.is_displayed()), False),
            "the authorization dialog has no input for the bearer token",
        )
        field.send_keys(self.token)
        self.click(modal.find_element(By.CSS_SELECTOR, "button.btn.authorize"))
        # Authorized, the dialog offers Logout instead of Authorize.
        self.wait(
            lambda d: any(b.text.strip() == "Logout" for b in modal.find_elements(By.CSS_SELECTOR, ".auth-btn-wrapper button")),
            "the dialog did not switch to the authorized state (no Logout button)",
        )
        self.click(modal.find_element(By.CSS_SELECTOR, "button.btn-done"))
        self.wait(EC.invisibility_of_element_located((By.CSS_SELECTOR, ".dialog-ux .modal-ux")), "the authorization dialog did not close")
        self.check(
            "locked" in self.driver.find_element(By.CSS_SELECTOR, ".scheme-container .btn.authorize").get_attribute("class").split(),
            "the Authorize button does not show the locked (authorized) state",
        )

        # Expand the operation; try-it-out is on by default, but press "Try it out" if it shows.
        block = self.driver.find_element(By.CSS_SELECTOR, block_css)
        if "is-open" not in block.get_attribute("class").split():
            self.click(block.find_element(By.CSS_SELECTOR, ".opblock-summary-control, .opblock-summary"))
        self.wait(
            lambda d: "is-open" in d.find_element(By.CSS_SELECTOR, block_css).get_attribute("class").split(),
            "the getEnrollments operation did not expand",
        )
        operation_id = self.driver.find_element(By.CSS_SELECTOR, f"{block_css} .opblock-summary-operation-id").text
        self.check(operation_id == "getEnrollments", f"the operation id shown is {operation_id!r}")
        try_out = [b for b in self.driver.find_elements(By.CSS_SELECTOR, f"{block_css} .try-out__btn") if b.text.strip() == "Try it out"]
        if try_out:
            self.click(try_out[0])
        execute = self.wait_for(f"{block_css} .btn.execute", "no Execute button in the expanded operation")
        self.click(execute)
        self.focus = f"{block_css} .responses-inner"

        live_css = f"{block_css} .live-responses-table tr.response .response-col_status"
        status = self.wait_for(live_css, "no live response after Execute").text.strip()
        self.check(status == "200", f"Execute answered {status!r}, expected 200\n{self.text(f'{block_css} .responses-inner')[:2000]}")
        body = self.wait(
            lambda d: (lambda t: t if self.enrollment_id in t else False)(
                d.find_element(By.CSS_SELECTOR, f"{block_css} .live-responses-table tr.response .response-col_description").get_attribute("textContent")
            ),
            f"the live response body does not contain the sample enrollment {self.enrollment_id}",
        )
        self.check('"enrollments"' in body, "the live response body has no enrollments member")
        curl = self.driver.find_elements(By.CSS_SELECTOR, f"{block_css} .curl-command")
        self.check(
            curl and f"Authorization: Bearer {self.token}" in curl[0].get_attribute("textContent"),
            "the request Swagger UI shows does not carry the bearer token",
        )
        self.check(
            f"{self.base}/api/v1/enrollments" in curl[0].get_attribute("textContent"),
            f"Swagger UI did not call this server's /api/v1/enrollments: {curl[0].get_attribute('textContent')[:300]}",
        )
        self.assert_local_resources()
        print("ok: Swagger UI: authorized with the token, getEnrollments executed: 200 with the sample enrollment")

    def nothing_fetched_from_elsewhere(self):
        self.focus = None
        self.collect_requests()
        self.check(self.requested, "the performance log recorded no network request")
        # Any request to a network address not of the server, and anything the server's pages asked
        # for outside it. (The browser's own chrome:// pages, such as the new tab page it starts on,
        # load chrome:// resources from inside the browser.)
        foreign = sorted(
            {
                url
                for document, url in self.requested
                if not self.local(url) and (self.local(document) or not url.startswith("chrome://"))
            }
        )
        self.check(not foreign, f"the browser requested URLs outside {self.base}: {foreign}")
        print(f"ok: {len(self.requested)} requests over {self.checked_pages} page checks, all to {self.base}")


def expected_console_error(base, entry):
    """Console errors the checks cause on purpose, or that say nothing about the pages."""
    message = entry.get("message", "")
    # The wrong-token check's SOAP fault is an HTTP 500, which Chromium logs.
    if message.startswith(f"{base.rstrip('/')}/api/v2/soap/2.0 ") and "status of 500" in message:
        return True
    # Chromium asks every page without an icon link for /favicon.ico.
    if message.startswith(f"{base.rstrip('/')}/favicon.ico ") and "status of 404" in message:
        return True
    return False


def chromium(profile):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--window-size=1280,1000",
        f"--user-data-dir={profile}",
    ]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    service = Service(CHROMEDRIVER, log_output=os.path.join(profile, "chromedriver.log"))
    return webdriver.Chrome(service=service, options=options)


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    base, credentials_file = sys.argv[1], sys.argv[2]
    with open(credentials_file, encoding="utf-8") as f:
        credentials = json.load(f)["ispring"]

    started = time.monotonic()
    profile = tempfile.mkdtemp(prefix="lmsbridge-chromium-")
    driver = None
    failed = False
    try:
        driver = chromium(profile)
        driver.set_page_load_timeout(WAIT)
        print(f"browser: {driver.capabilities.get('browserName')} {driver.capabilities.get('browserVersion')}")
        suite = Suite(driver, base, credentials)
        for check in [
            suite.landing_page,
            suite.soap_service_page,
            suite.soap_form_success,
            suite.soap_form_fault,
            suite.soap12_form,
            suite.swagger_ui,
            suite.nothing_fetched_from_elsewhere,
        ]:
            began = time.monotonic()
            try:
                check()
                print(f"   ({check.__name__}: {time.monotonic() - began:.1f} s)")
            except Exception:
                failed = True
                print(f"FAILED: {check.__name__}", file=sys.stderr)
                traceback.print_exc()
                # A later check starts from a fresh page, so one failure does not hide the others.
        if driver is not None:
            errors = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE" and not expected_console_error(base, e)]
            if errors:
                failed = True
                print("FAILED: the browser console logged errors:", file=sys.stderr)
                for error in errors:
                    print(f"  {error.get('message')}", file=sys.stderr)
    finally:
        if driver is not None:
            driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
    print(f"browser suite {'failed' if failed else 'passed'} in {time.monotonic() - started:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

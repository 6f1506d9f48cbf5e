"""W4: page through every enrollment with ListEnrollments (pageSize 1000); prints pages, rows, seconds."""
import re
import sys
import time
import urllib.request

url, token, size = sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 1000
ENVELOPE = ('<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://ispringlearn.com/go/services/api/soap">'
            '<soap:Body><ListEnrollmentsRequest><credentials><token>{token}</token></credentials><pageSize>{size}</pageSize>{page}'
            '</ListEnrollmentsRequest></soap:Body></soap:Envelope>')
NEXT = re.compile(rb"<ns1:nextPageToken>([^<]+)</ns1:nextPageToken>")

started = time.monotonic()
pages = rows = 0
token_element = ""
while True:
    body = ENVELOPE.format(token=token, size=size, page=token_element).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "text/xml; charset=utf-8"})
    with urllib.request.urlopen(request) as response:
        answer = response.read()
    pages += 1
    rows += answer.count(b"<ns1:enrollment>")
    found = NEXT.search(answer)
    if not found:
        break
    token_element = "<pageToken>" + found.group(1).decode() + "</pageToken>"
print(f"W4 pages {pages} rows {rows} seconds {time.monotonic() - started:.2f}")

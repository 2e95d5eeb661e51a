"""The print stylesheet is parsed once per thread and again when it changes."""

import os
import threading

from documents import assets, rendering


def css_fetches(urls: list[str]) -> int:
    return sum(url.endswith(assets.PRINT_STYLESHEET) for url in urls)


def test_parsed_once_then_reused(renderer_fetches):
    first = rendering.print_stylesheet()
    second = rendering.print_stylesheet()
    assert first[0] is second[0] and first[1] is second[1]
    assert css_fetches(renderer_fetches) == 1


def test_parsed_again_when_the_file_changes(renderer_fetches):
    first = rendering.print_stylesheet()
    path = assets.find_static(assets.PRINT_STYLESHEET)
    stat = path.stat()
    try:
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
        again = rendering.print_stylesheet()
    finally:
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert again[0] is not first[0]
    assert css_fetches(renderer_fetches) == 2


def test_each_thread_has_its_own(renderer_fetches):
    here = rendering.print_stylesheet()
    there = []
    thread = threading.Thread(target=lambda: there.append(rendering.print_stylesheet()))
    thread.start()
    thread.join()
    assert there[0][0] is not here[0]
    assert there[0][1] is not here[1]

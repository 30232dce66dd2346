"""The suggestion list component on its own, in the real browser's DOM: the combobox's keyboard and ARIA
contract, and that answers for text no longer in the box are never shown. Its search function here is a
script's promise the test resolves, so that the order of answers is the test's to choose."""

import unittest

import browser as b

SETUP = """
const done = arguments[arguments.length - 1];
import('/assets/suggest-list.js').then(({ SuggestList }) => {
  document.body.replaceChildren();
  const container = document.createElement('div');
  const input = document.createElement('textarea');
  container.append(input);
  document.body.append(container);
  const pending = [];
  const picks = [];
  const list = new SuggestList({
    input, container,
    currentQuery: () => input.value,
    search: (query, signal) => new Promise((resolve, reject) => {
      pending.push({ query, resolve, signal });
      signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
    }),
    onPick: (item, meta) => picks.push({ id: item.id, ...meta }),
    describe: (item) => ({ source: item.source, scope: 'company' }),
    emptyText: 'none',
  });
  window.t = { list, input, pending, picks,
    items: (query, n) => Array.from({ length: n }, (_, i) => ({ id: query + i, title: query + ' ' + i,
      titleHighlights: [{ start: 0, end: query.length }], source: 'quick', snippet: '' })),
    key: (key, extra = {}) => {
      const event = new KeyboardEvent('keydown', { key, cancelable: true, ...extra });
      return list.handleKeydown(event);
    },
  };
  done(true);
});
"""


class SuggestListComponent(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.driver = b.chromium()
        cls.driver.get(b.BASE + "/")

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()

    def setUp(self):
        self.assertTrue(self.driver.execute_async_script(SETUP))

    def tearDown(self):
        self.assertEqual(b.console_errors(self.driver), [], "JavaScript console errors")

    def run_script(self, body):
        return self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            f"(async () => {{ {body} }})().then(done, (error) => done('error: ' + error));")

    def test_an_outdated_answer_is_never_shown_and_its_request_is_cancelled(self):
        result = self.run_script("""
          const { list, input, pending, items } = window.t;
          input.value = 'a';
          const first = list.request('a', { left: 0, top: 0 });
          input.value = 'ab';
          const second = list.request('ab', { left: 0, top: 0 });
          const aborted = pending[0].signal.aborted;
          pending[1].resolve(items('ab', 2));
          pending[0].resolve(items('a', 5));
          await Promise.all([first, second]);
          const titles = [...list.element.querySelectorAll('[role=option]')].map((o) => o.textContent);
          // An answer for text the box no longer holds (the agent deleted it meanwhile) is dropped too.
          input.value = 'abc';
          const third = list.request('abc', { left: 0, top: 0 });
          input.value = 'ab';
          pending[2].resolve(items('abc', 3));
          await third;
          const after = [...list.element.querySelectorAll('[role=option]')].map((o) => o.textContent);
          return { aborted, titles, after, query: list.query };
        """)
        self.assertTrue(result["aborted"])
        self.assertEqual(len(result["titles"]), 2)
        self.assertTrue(all(title.startswith("ab ") for title in result["titles"]))
        # The list still shows the answer for what the box holds ("ab"), not the late one for "abc".
        self.assertEqual(result["after"], result["titles"])
        self.assertEqual(result["query"], "ab")

    def test_the_combobox_keys_and_aria(self):
        result = self.run_script("""
          const { list, input, pending, items, key, picks } = window.t;
          input.value = 'tk';
          const shown = list.request('tk', { left: 0, top: 0 });
          pending[0].resolve(items('tk', 3));
          await shown;
          const state = () => ({ expanded: input.getAttribute('aria-expanded'),
            active: input.getAttribute('aria-activedescendant'), selected: [...list.element.querySelectorAll('[aria-selected=true]')].map((o) => o.id) });
          const opened = state();
          const bareEnter = key('Enter');
          const down = key('ArrowDown');
          const afterDown = state();
          key('ArrowDown');
          key('ArrowUp');
          key('ArrowUp');
          const wrapped = state();
          const marks = list.element.querySelector('[role=option] mark')?.textContent;
          const tab = key('Tab');
          const picked = picks[0];
          const closed = state();
          return { role: input.getAttribute('role'), controls: input.getAttribute('aria-controls') === list.element.id,
            opened, bareEnter, down, afterDown, wrapped, marks, tab, picked, closed };
        """)
        self.assertEqual(result["role"], "combobox")
        self.assertTrue(result["controls"])
        self.assertEqual(result["opened"], {"expanded": "true", "active": None, "selected": []})
        self.assertFalse(result["bareEnter"], "Enter with nothing highlighted is the box's own")
        self.assertTrue(result["down"])
        self.assertEqual(result["afterDown"]["active"], result["afterDown"]["selected"][0])
        self.assertTrue(result["afterDown"]["active"].endswith("-0"))
        self.assertTrue(result["wrapped"]["active"].endswith("-2"), "↑ from the first goes to the last")
        self.assertEqual(result["marks"], "tk")
        self.assertTrue(result["tab"])
        self.assertEqual(result["picked"], {"id": "tk2", "position": 2, "shown": ["tk0", "tk1", "tk2"], "query": "tk"})
        self.assertEqual(result["closed"]["expanded"], "false")
        self.assertIsNone(result["closed"]["active"])

    def test_escape_closes_and_an_empty_answer_says_so(self):
        result = self.run_script("""
          const { list, input, pending, key } = window.t;
          input.value = 'zz';
          const shown = list.request('zz', { left: 0, top: 0 });
          pending[0].resolve([]);
          await shown;
          const empty = list.element.textContent;
          const down = key('ArrowDown');
          const escape = key('Escape');
          return { empty, down, escape, open: list.isOpen, afterEscape: key('ArrowDown') };
        """)
        self.assertEqual(result["empty"], "none")
        self.assertFalse(result["down"])
        self.assertTrue(result["escape"])
        self.assertFalse(result["open"])
        self.assertFalse(result["afterEscape"])


if __name__ == "__main__":
    unittest.main()

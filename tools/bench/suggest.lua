-- wrk script for GET /v1/suggest: each request types the next prefix of a list, with an API key.
-- Arguments (after --): the key, and a file of URL-encoded prefixes, one per line.
local queries = {}
local key = ""
local counter = 0

function init(args)
  key = args[1]
  for line in io.lines(args[2]) do
    if #line > 0 then table.insert(queries, line) end
  end
  counter = math.random(#queries)
end

function request()
  counter = counter + 1
  local q = queries[(counter % #queries) + 1]
  return wrk.format("GET", "/v1/suggest?limit=5&q=" .. q, { ["Authorization"] = "Bearer " .. key })
end

// The page's words in Simplified Chinese and English. `t(key, values)` fills {name} placeholders; elements
// with data-i18n (text), data-i18n-placeholder, data-i18n-title or data-i18n-label take theirs on a switch.

const words = {
  "zh-Hans": {
    appName: "ReplyKit 工作台",
    signIn: "登录", signOut: "退出", tenant: "租户", agentId: "客服账号", password: "密码", apiKey: "API 密钥",
    useKey: "用密钥登录", usePassword: "用密码登录", signInFailed: "账号和密码（或密钥）不正确",
    groupQueued: "排队中", groupActive: "进行中", groupOffline: "客户已离线", groupEndedPassive: "24 小时内被动结束",
    groupStarred: "星标", savedGroups: "自定义分组", sessions: "会话", noSessions: "没有会话",
    sortLastMessage: "按最后消息", sortLastCustomer: "按客户最后消息", allChannels: "全部渠道", allGroups: "全部技能组",
    channel: "渠道", skillGroup: "技能组", waiting: "等待 {time}", alarm: "超时未回复", starred: "已加星标",
    take: "接入", transfer: "转接", end: "结束会话", star: "加星标", unstar: "取消星标", block: "拉黑", unblock: "解除拉黑",
    transferTo: "转接给", transferReason: "转接原因", agent: "客服", group: "技能组", confirm: "确定", cancel: "取消",
    pickSession: "从左侧选择一个会话", recall: "撤回", recalled: "已撤回", recalledByAgent: "客服撤回了一条消息",
    composerPlaceholder: "输入回复，# 检索快捷回复和知识", send: "发送", suggestAsYouType: "边输入边推荐",
    sound: "提示音", noSuggestions: "没有匹配的建议", suggestionsCount: "{count} 条建议",
    unresolvedBlock: "请先填写 {names}，再发送", sendFailed: "发送失败：{message}",
    sourceQuick: "快捷回复", sourceBot: "机器人知识", sourceInternal: "内部知识",
    scopeCompany: "公司", scopeGroup: "组 {name}", scopePersonal: "个人",
    tabCustomer: "客户信息", tabHistory: "历史会话", tabQuick: "快捷回复", tabKnowledge: "知识搜索",
    tabSmart: "智能回复", tabSummary: "服务小结",
    name: "姓名", level: "等级", tags: "标签", language: "语言", identity: "渠道身份", save: "保存", saved: "已保存",
    smartFor: "针对客户消息：{message}", noGoodAnswer: "没有合适的答案", confidence: "置信度 {value}", use: "使用",
    noCustomerMessage: "还没有客户消息",
    searchKnowledge: "搜索机器人知识和文章", search: "搜索", all: "全部", folders: "目录", scope: "范围", more: "更多（已显示 {shown} / {total}）", noResults: "没有结果",
    summaryStatus: "处理状态", resolved: "已解决", unresolved: "未解决", followUp: "待跟进", category: "分类",
    notes: "备注", summarySaved: "小结已保存",
    history: "历史记录", historySearch: "搜索历史会话", from: "从", to: "到", customer: "客户", status: "状态",
    fullText: "全文（中文）", ended: "已结束", active: "进行中", queued: "排队中", open: "打开",
    statusOnline: "在线", statusBusy: "忙碌", statusAway: "离开", statusOffline: "离线", myStatus: "我的状态",
    live: "实时连接", reconnecting: "正在重连…", newMessages: "({count}) 新消息",
    eventTransferred: "{actor} 转接给 {target}", eventAssigned: "{actor} 分配给 {agent}", eventTaken: "{agent} 接入了会话",
    eventEnded: "{actor} 结束了会话", eventQueued: "进入排队", eventAlarm: "客户等待超时",
    eventOffline: "客户离线", eventOther: "{kind}（{actor}）", reason: "原因：{note}",
    you: "我", bot: "机器人", system: "系统", image: "图片", file: "文件", emoji: "表情",
    language_switch: "English", customerView: "客户端", close: "关闭", error: "出错了：{message}",
    endWithSummary: "结束前请填写服务小结", queuePosition: "第 {position} 位",
  },
  en: {
    appName: "ReplyKit workbench",
    signIn: "Sign in", signOut: "Sign out", tenant: "Tenant", agentId: "Agent", password: "Password", apiKey: "API key",
    useKey: "Sign in with a key", usePassword: "Sign in with a password",
    signInFailed: "The agent and password (or the key) were not accepted",
    groupQueued: "Queued", groupActive: "Active", groupOffline: "Customer offline", groupEndedPassive: "Ended passively (24 h)",
    groupStarred: "Starred", savedGroups: "Saved groups", sessions: "Sessions", noSessions: "No sessions",
    sortLastMessage: "Last message", sortLastCustomer: "Last customer message", allChannels: "All channels",
    allGroups: "All skill groups", channel: "Channel", skillGroup: "Skill group", waiting: "waiting {time}",
    alarm: "No reply in time", starred: "Starred",
    take: "Take", transfer: "Transfer", end: "End", star: "Star", unstar: "Unstar", block: "Block", unblock: "Unblock",
    transferTo: "Transfer to", transferReason: "Reason", agent: "Agent", group: "Skill group", confirm: "OK",
    cancel: "Cancel", pickSession: "Choose a session on the left", recall: "Recall", recalled: "Recalled",
    recalledByAgent: "The agent recalled a message",
    composerPlaceholder: "Type a reply; # searches quick replies and knowledge", send: "Send",
    suggestAsYouType: "Suggest as you type", sound: "Sound", noSuggestions: "No matching suggestions",
    suggestionsCount: "{count} suggestions", unresolvedBlock: "Fill in {names} before sending",
    sendFailed: "Not sent: {message}",
    sourceQuick: "Quick reply", sourceBot: "Bot answer", sourceInternal: "Article",
    scopeCompany: "Company", scopeGroup: "Group {name}", scopePersonal: "Personal",
    tabCustomer: "Customer", tabHistory: "Contact history", tabQuick: "Quick replies", tabKnowledge: "Knowledge",
    tabSmart: "Smart replies", tabSummary: "Summary",
    name: "Name", level: "Level", tags: "Tags", language: "Language", identity: "Channel identity", save: "Save",
    saved: "Saved", smartFor: "For the customer's message: {message}", noGoodAnswer: "No good answer",
    confidence: "confidence {value}", use: "Use", noCustomerMessage: "No customer message yet",
    searchKnowledge: "Search bot answers and articles", search: "Search", all: "All", folders: "Folders", scope: "Scope", more: "More ({shown} of {total} shown)",
    noResults: "No results", summaryStatus: "Status", resolved: "Resolved", unresolved: "Unresolved",
    followUp: "Follow-up", category: "Category", notes: "Notes", summarySaved: "Summary saved",
    history: "History", historySearch: "Search ended sessions", from: "From", to: "To", customer: "Customer",
    status: "Status", fullText: "Full text (Chinese too)", ended: "Ended", active: "Active", queued: "Queued",
    open: "Open", statusOnline: "Online", statusBusy: "Busy", statusAway: "Away", statusOffline: "Offline",
    myStatus: "My status", live: "Live", reconnecting: "Reconnecting…", newMessages: "({count}) new",
    eventTransferred: "{actor} transferred to {target}", eventAssigned: "{actor} assigned it to {agent}", eventTaken: "{agent} took the session",
    eventEnded: "{actor} ended the session", eventQueued: "Queued", eventAlarm: "The customer waited too long",
    eventOffline: "The customer left", eventOther: "{kind} ({actor})", reason: "reason: {note}",
    you: "Me", bot: "Bot", system: "System", image: "Image", file: "File", emoji: "Emoji",
    language_switch: "中文", customerView: "Customer", close: "Close", error: "Something went wrong: {message}",
    endWithSummary: "Write the service summary before ending", queuePosition: "#{position} in queue",
  },
};

const stored = localStorage.getItem("replykit.language");
let language = stored in words ? stored : navigator.language?.startsWith("zh") ? "zh-Hans" : "en";

export function currentLanguage() {
  return language;
}

export function t(key, values = {}) {
  const text = words[language][key] ?? words.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (match, name) => (name in values ? String(values[name]) : match));
}

/** Switches the page's language, remembering it in this browser. */
export function setLanguage(next) {
  if (!(next in words)) return;
  language = next;
  localStorage.setItem("replykit.language", next);
  translate(document);
}

export function translate(root) {
  document.documentElement.lang = language;
  for (const element of root.querySelectorAll("[data-i18n]")) element.textContent = t(element.dataset.i18n);
  for (const element of root.querySelectorAll("[data-i18n-placeholder]")) {
    element.placeholder = t(element.dataset.i18nPlaceholder);
  }
  for (const element of root.querySelectorAll("[data-i18n-title]")) element.title = t(element.dataset.i18nTitle);
  for (const element of root.querySelectorAll("[data-i18n-label]")) {
    element.setAttribute("aria-label", t(element.dataset.i18nLabel));
  }
}

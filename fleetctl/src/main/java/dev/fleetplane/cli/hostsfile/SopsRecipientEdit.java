package dev.fleetplane.cli.hostsfile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code .sops.yaml} half of {@code fleetplane integrate HOST --write}: the host's age recipient as a YAML
 * anchor ({@code - &host_web age1…}) under {@code keys:} (or, in a file without {@code keys:}, defined in the first
 * {@code age} list that gets it, as such files do), and a reference ({@code - *host_web}) in every creation rule's
 * {@code age} list where other hosts' keys are. A rule whose {@code path_regex} is about another host's directory
 * ({@code hosts/db/}) is left alone; one about {@code hosts/web/} gets it. An anchor of the host with another
 * recipient (the VM was re-created) gets the new one. Pure.
 *
 * <p>Why by line and not by a YAML library: a YAML writer would drop the comments and the layout of a file people
 * maintain by hand, and a parser resolves anchors and aliases away. The file is read with Jackson's YAML parser
 * first and after the edit, so a file that is not YAML is refused and an edit that would break it is never made;
 * the lines themselves are read by indentation, in the block style sops documents (one key or reference per line).
 */
public final class SopsRecipientEdit {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern ITEM = Pattern.compile("^(\\s*)- (.*)$");
    private static final Pattern AGE_KEY = Pattern.compile("^(\\s*)(- )?age:\\s*(#.*)?$");
    private static final Pattern TOP_KEY = Pattern.compile("^([A-Za-z_][A-Za-z0-9_]*):.*$");
    private static final Pattern ANCHOR = Pattern.compile("^&([^\\s\\[\\]{},]+)\\s+(\\S+)");
    private static final Pattern ALIAS = Pattern.compile("^\\*([^\\s\\[\\]{},]+)");

    /** The edit (which may be empty), or why none can be made. */
    public sealed interface Result {
    }

    /**
     * @param rules the {@code path_regex} of each creation rule whose age list has (or gets) the key
     * @param notes what a reviewer should know (a rule left alone, no rule found)
     */
    public record Edit(List<LineEdit> edits, List<String> rules, List<String> notes) implements Result {
    }

    public record Refused(String problem) implements Result {
    }

    /** One item of a block list: its line, and what it says. */
    private record Item(int line, int indent, String anchor, String alias, String value, String comment) {
    }

    /** An {@code age:} block list inside a creation rule. */
    private record AgeList(int keyLine, List<Item> items, int itemIndent, String pathRegex) {
    }

    private SopsRecipientEdit() {
    }

    /**
     * @param file      the name errors use ({@code .sops.yaml})
     * @param hosts     every host of hosts.nix (their anchors tell where hosts' keys are)
     * @param recipient the host's age recipient ({@code age1…})
     */
    public static Result of(String yaml, String file, String host, Set<String> hosts, String recipient) {
        try {
            YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            return new Refused(file + " is not valid YAML (" + firstLine(e.getOriginalMessage()) + ", line "
                    + e.getLocation().getLineNr() + "): fix it, or name another file with --sops FILE");
        }
        String[] lines = yaml.split("\n", -1);
        int keysLine = topLevel(lines, "keys");
        int rulesLine = topLevel(lines, "creation_rules");
        if (rulesLine < 0) {
            return new Refused(file + " has no creation_rules: it is not a sops configuration (see"
                    + " https://github.com/getsops/sops#using-sops-yaml-conf-to-select-kms-pgp-and-age-for-new-files);"
                    + " name the right file with --sops FILE");
        }
        List<Item> keys = keysLine < 0 ? List.of() : items(lines, keysLine + 1, 0, -1);
        List<AgeList> ageLists = ageLists(lines, rulesLine);
        Map<String, String> anchors = new LinkedHashMap<>();
        for (Item i : keys) {
            if (i.anchor() != null) {
                anchors.put(i.anchor(), i.value());
            }
        }
        for (AgeList l : ageLists) {
            for (Item i : l.items()) {
                if (i.anchor() != null) {
                    anchors.putIfAbsent(i.anchor(), i.value());
                }
            }
        }
        String anchor = anchorName(host, hosts, anchors.keySet());
        List<LineEdit> edits = new ArrayList<>();
        List<String> notes = new ArrayList<>();

        // Where the host's key goes: every age list that holds another host's key, minus other hosts' own rules.
        List<AgeList> targets = new ArrayList<>();
        for (AgeList l : ageLists) {
            String about = hostDirectory(l.pathRegex(), hosts);
            if (host.equals(about)) {
                targets.add(l);
            } else if (about != null) {
                notes.add("creation rule " + l.pathRegex() + " is about host " + about + ": left alone");
            } else if (l.items().stream().anyMatch(i -> isOtherHostsKey(i, host, hosts))) {
                targets.add(l);
            }
        }
        if (targets.isEmpty() && ageLists.size() == 1) {
            targets.add(ageLists.get(0));
        }
        if (targets.isEmpty()) {
            notes.add("no creation rule holds another host's age key: add - *" + anchor + " to the age lists of the"
                    + " rules whose secrets " + host + " must read");
        }

        // The anchor: replaced when it names another recipient, added under keys: when it is nowhere.
        boolean defined = false;
        for (List<Item> list : allItemLists(keys, ageLists)) {
            for (Item i : list) {
                if (anchor.equals(i.anchor())) {
                    defined = true;
                    if (!recipient.equals(i.value())) {
                        String line = lines[i.line()];
                        int at = line.indexOf(i.value(), line.indexOf("&" + anchor));
                        edits.add(new LineEdit(i.line(), 1, List.of(line.substring(0, at) + recipient
                                + line.substring(at + i.value().length()))));
                        notes.add("&" + anchor + " had recipient " + i.value() + ": replaced (the host has a new key)");
                    }
                }
            }
        }
        boolean definedInline = false;
        if (!defined && keysLine >= 0) {
            int indent = keys.isEmpty() ? 2 : keys.get(keys.size() - 1).indent();
            int after = keys.isEmpty() ? keysLine : keys.get(keys.size() - 1).line();
            edits.add(LineEdit.insertBefore(after + 1, List.of(" ".repeat(indent) + "- &" + anchor + " " + recipient)));
            defined = true;
        }
        List<String> rules = new ArrayList<>();
        for (AgeList l : targets) {
            rules.add(l.pathRegex() == null ? "(rule without path_regex)" : l.pathRegex());
            boolean has = l.items().stream().anyMatch(i -> anchor.equals(i.alias()) || anchor.equals(i.anchor())
                    || recipient.equals(i.value()));
            if (has) {
                continue;
            }
            String item;
            if (!defined) {
                // No keys: section: the first list that gets the key defines its anchor, as the file's hosts do.
                Item last = l.items().isEmpty() ? null : l.items().get(l.items().size() - 1);
                item = "- &" + anchor + " " + recipient + (last != null && last.comment() != null ? " # " + host : "");
                defined = true;
                definedInline = true;
            } else {
                item = "- *" + anchor;
            }
            int lastLine = l.items().isEmpty() ? l.keyLine() : l.items().get(l.items().size() - 1).line();
            edits.add(LineEdit.insertBefore(lastLine + 1, List.of(" ".repeat(l.itemIndent()) + item)));
        }
        if (!defined && !targets.isEmpty()) {
            return new Refused(file + " has no keys: section and no age list to define &" + anchor + " in: add - &"
                    + anchor + " " + recipient + " by hand");
        }
        if (definedInline) {
            notes.add("defined &" + anchor + " in the first age list (" + file + " has no keys: section)");
        }
        // Never write what would not read back.
        String after = String.join("\n", LineEdit.apply(List.of(lines), edits));
        try {
            YAML.readTree(after);
        } catch (JsonProcessingException e) {
            return new Refused("the change would make " + file + " unreadable (" + firstLine(e.getOriginalMessage())
                    + "): add - &" + anchor + " " + recipient + " and its references by hand");
        }
        return new Edit(List.copyOf(edits), List.copyOf(rules), List.copyOf(notes));
    }

    /** The anchor for {@code host}: as the file names other hosts' anchors ({@code host_db} or {@code db}). */
    static String anchorName(String host, Set<String> hosts, Set<String> anchors) {
        String safe = host.replaceAll("[^A-Za-z0-9_-]", "_");
        if (anchors.contains("host_" + safe) || anchors.contains(safe)) {
            return anchors.contains("host_" + safe) ? "host_" + safe : safe;
        }
        boolean prefixed = anchors.stream().anyMatch(a -> a.startsWith("host_") && hosts.contains(a.substring(5)));
        boolean bare = anchors.stream().anyMatch(hosts::contains);
        return bare && !prefixed ? safe : "host_" + safe;
    }

    /** The {@code path_regex} of the rule of each {@code age} list, for sops updatekeys. */
    public static List<String> pathRegexes(String yaml) {
        String[] lines = yaml.split("\n", -1);
        int rulesLine = topLevel(lines, "creation_rules");
        return rulesLine < 0 ? List.of() : ageLists(lines, rulesLine).stream().map(AgeList::pathRegex)
                .filter(r -> r != null).distinct().toList();
    }

    private static boolean isOtherHostsKey(Item i, String host, Set<String> hosts) {
        for (String name : new String[] {i.anchor(), i.alias()}) {
            if (name == null) {
                continue;
            }
            String h = name.startsWith("host_") ? name.substring(5) : name;
            if (!h.equals(host) && hosts.contains(h)) {
                return true;
            }
        }
        String c = i.comment() == null ? "" : i.comment().strip().toLowerCase();
        return !c.isEmpty() && hosts.stream().anyMatch(h -> !h.equals(host) && h.toLowerCase().equals(c));
    }

    /** The host whose directory ({@code hosts/NAME/}) a rule's path_regex is about, or null. */
    private static String hostDirectory(String pathRegex, Set<String> hosts) {
        if (pathRegex == null) {
            return null;
        }
        Matcher m = Pattern.compile("hosts(?:/|\\\\/)([A-Za-z0-9_-]+)(?:/|\\\\/)").matcher(pathRegex);
        return m.find() && hosts.contains(m.group(1)) ? m.group(1) : null;
    }

    private static List<List<Item>> allItemLists(List<Item> keys, List<AgeList> ageLists) {
        List<List<Item>> out = new ArrayList<>();
        out.add(keys);
        ageLists.forEach(l -> out.add(l.items()));
        return out;
    }

    private static int topLevel(String[] lines, String key) {
        for (int i = 0; i < lines.length; i++) {
            Matcher m = TOP_KEY.matcher(lines[i]);
            if (m.matches() && m.group(1).equals(key)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The items of the block list starting at line {@code from}: lines {@code - ...} indented more than
     * {@code keyColumn} (or at it, for a list written at its key's indentation), comments and blank lines skipped,
     * up to the first other line. {@code until} bounds the search (-1: the file's end).
     */
    private static List<Item> items(String[] lines, int from, int keyColumn, int until) {
        List<Item> out = new ArrayList<>();
        int indent = -1;
        int end = until < 0 ? lines.length : until;
        for (int k = from; k < end; k++) {
            String s = lines[k];
            if (s.isBlank() || s.strip().startsWith("#")) {
                continue;
            }
            Matcher m = ITEM.matcher(s);
            int at = s.length() - s.stripLeading().length();
            if (!m.matches() || at < keyColumn || (indent >= 0 && at != indent)) {
                break;
            }
            indent = at;
            out.add(item(k, at, m.group(2)));
        }
        return out;
    }

    private static Item item(int line, int indent, String body) {
        String comment = null;
        String code = body;
        int hash = body.indexOf(" #");
        if (hash >= 0) {
            comment = body.substring(hash + 2).strip();
            code = body.substring(0, hash);
        }
        code = code.strip();
        Matcher a = ANCHOR.matcher(code);
        if (a.find()) {
            return new Item(line, indent, a.group(1), null, a.group(2), comment);
        }
        Matcher r = ALIAS.matcher(code);
        if (r.find()) {
            return new Item(line, indent, null, r.group(1), null, comment);
        }
        return new Item(line, indent, null, null, code, comment);
    }

    private static List<AgeList> ageLists(String[] lines, int rulesLine) {
        int end = lines.length;
        for (int k = rulesLine + 1; k < lines.length; k++) {
            if (TOP_KEY.matcher(lines[k]).matches()) {
                end = k;
                break;
            }
        }
        List<AgeList> out = new ArrayList<>();
        for (int k = rulesLine + 1; k < end; k++) {
            Matcher m = AGE_KEY.matcher(lines[k]);
            if (!m.matches()) {
                continue;
            }
            int column = m.group(1).length() + (m.group(2) == null ? 0 : 2);
            List<Item> its = items(lines, k + 1, column, end);
            int itemIndent = its.isEmpty() ? column + 2 : its.get(0).indent();
            out.add(new AgeList(k, its, itemIndent, pathRegexOfRule(lines, rulesLine, k, end)));
        }
        return out;
    }

    /** The path_regex of the creation rule (list item directly under creation_rules:) that holds line {@code at}. */
    private static String pathRegexOfRule(String[] lines, int rulesLine, int at, int end) {
        int ruleIndent = -1;
        for (int k = rulesLine + 1; k < end; k++) {
            Matcher m = ITEM.matcher(lines[k]);
            if (m.matches() && !lines[k].strip().startsWith("#")) {
                ruleIndent = m.group(1).length();
                break;
            }
        }
        int start = at;
        while (start > rulesLine && !(ITEM.matcher(lines[start]).matches()
                && lines[start].length() - lines[start].stripLeading().length() == ruleIndent)) {
            start--;
        }
        Pattern regex = Pattern.compile("^\\s*(- )?path_regex:\\s*(.*?)\\s*(#.*)?$");
        for (int k = start; k < end; k++) {
            if (k > start && ITEM.matcher(lines[k]).matches()
                    && lines[k].length() - lines[k].stripLeading().length() == ruleIndent) {
                break;
            }
            Matcher m = regex.matcher(lines[k]);
            if (m.matches()) {
                return unquote(m.group(2));
            }
        }
        return null;
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && (s.startsWith("'") && s.endsWith("'") || s.startsWith("\"") && s.endsWith("\""))) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }

    private static String firstLine(String s) {
        return s == null ? "unreadable" : s.lines().findFirst().orElse(s).strip();
    }
}

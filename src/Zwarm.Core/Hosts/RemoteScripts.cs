namespace Zwarm.Core.Hosts;

/// <summary>
/// The POSIX shell run on a host (and the local follower). Only sh, setsid, coreutils (tail, wc, timeout) and the agent
/// CLI are needed there: no daemon, no zwarm.
/// </summary>
internal static class RemoteScripts
{
    /// <summary>A process's start time (field 22 of /proc/PID/stat, after the parenthesised name), empty when gone or a zombie.</summary>
    private const string StartTimeFunction = """
        st() { set -- $(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null); [ $# -ge 20 ] && [ "$1" != Z ] && echo "${20}"; }
        """;

    /// <summary>
    /// The remote turn wrapper (the local one without the finaliser): agent with stdin /dev/null, output appended to
    /// turn_N.out, exit code written atomically to turn_N.exit. Contains no single quote (it is quoted whole).
    /// </summary>
    public const string Wrapper = """
        d="$1"; n="$2"; t="$3"; g="$4"; shift 4
        exec </dev/null >>"$d/turn_$n.out" 2>&1
        if [ "$t" -gt 0 ]; then timeout -k "$g" "$t" "$@"; else "$@"; fi
        c=$?
        printf "%s\n" "$c" > "$d/.turn_$n.exit.tmp" && mv -f "$d/.turn_$n.exit.tmp" "$d/turn_$n.exit"
        """;

    /// <summary>Starts the wrapper detached; prints "PID START_TIME SESSION_FOLDER". Variables are prepended by the caller.</summary>
    public const string Start = StartTimeFunction + "\n" + """
        case "$sd" in /*) ;; *) sd="$HOME/$sd" ;; esac
        d="$sd/$id"
        mkdir -p "$d" 2>/dev/null || { echo "cannot create $d on the host" >&2; exit 3; }
        cd "$wd" 2>/dev/null || { echo "working directory not found on the host: $wd" >&2; exit 4; }
        command -v "$exe" >/dev/null 2>&1 || { echo "$exe not found on the host (set hosts.$hn.$an)" >&2; exit 5; }
        command -v setsid >/dev/null 2>&1 || { echo "setsid not found on the host (util-linux)" >&2; exit 5; }
        : >> "$d/turn_$n.out"
        rm -f "$d/turn_$n.exit"
        """;

    /// <summary>
    /// Writes turn_N.out from byte $6 on to stdout — following (tail -f until the wrapper exits) with mode $5 = f while
    /// the wrapper (pid $3, start time $4) lives, else what is there — then the turn's state to stderr as
    /// "zwarm-status SIZE running|exit:CODE|vanished". One connection per follow keeps a turn at two ssh logins.
    /// </summary>
    public const string Tail = StartTimeFunction + "\n" + """
        d="$1"; n="$2"; p="$3"; s="$4"; o="$d/turn_$n.out"; x="$d/turn_$n.exit"; k=$(( $6 + 1 ))
        alive() { [ -n "$s" ] && [ "$(st "$p")" = "$s" ]; }
        if [ "$5" = f ] && alive; then tail -c +"$k" --pid="$p" -f "$o"; else tail -c +"$k" "$o"; fi
        if [ ! -f "$x" ] && alive; then echo "zwarm-status $(wc -c < "$o") running" >&2
        elif [ -f "$x" ]; then echo "zwarm-status $(wc -c < "$o") exit:$(cat "$x")" >&2
        else echo "zwarm-status $(wc -c < "$o" 2>/dev/null || echo 0) vanished" >&2; fi
        """;

    /// <summary>
    /// SIGTERM to the wrapper's process group (pid + start time checked) and every process tagged with the session, the
    /// grace ($g tenths of a second), then SIGKILL. Variables p, s, g, id are prepended by the caller.
    /// </summary>
    public const string Kill = StartTimeFunction + "\n" + """
        tagged() { grep -lzx "ZWARM_SESSION_ID=$id" /proc/[0-9]*/environ 2>/dev/null | sed -n 's|^/proc/\([0-9]*\)/environ$|\1|p'; }
        grp=; if [ -n "$s" ] && [ "$(st "$p")" = "$s" ]; then grp=$p; fi
        sig() { [ -n "$grp" ] && kill -"$1" -- "-$grp" 2>/dev/null; for q in $(tagged); do kill -"$1" "$q" 2>/dev/null; done; }
        alive() { if [ -n "$grp" ] && kill -0 -- "-$grp" 2>/dev/null; then return 0; fi; [ -n "$(tagged)" ]; }
        sig TERM
        i=0; while alive && [ "$i" -lt "$g" ]; do sleep 0.1; i=$((i + 1)); done
        if alive; then sig KILL; fi
        """;

    /// <summary>Removes a removed session's folder ($d), only when it is named after the session ($id).</summary>
    public const string Forget = """
        case "$d" in
          */"$id") rm -rf -- "$d" ;;
          *) echo "not a session folder: $d" >&2; exit 3 ;;
        esac
        """;

    /// <summary>Lists "PID\tSESSION\tSTORE\tCOMMAND" for every process there tagged with a session (orphans --host).</summary>
    public const string Tagged = """
        for e in $(grep -lz "^ZWARM_SESSION_ID=" /proc/[0-9]*/environ 2>/dev/null); do
          q=${e#/proc/}; q=${q%/environ}
          v=$({ tr '\0' '\n' < "$e"; } 2>/dev/null)
          id=$(printf '%s\n' "$v" | sed -n 's/^ZWARM_SESSION_ID=//p' | head -n 1)
          so=$(printf '%s\n' "$v" | sed -n 's/^ZWARM_STORE=//p' | head -n 1)
          c=$({ tr '\0' ' ' < "/proc/$q/cmdline"; } 2>/dev/null | cut -c1-300)
          [ -n "$id" ] && printf '%s\t%s\t%s\t%s\n' "$q" "$id" "$so" "$c"
        done
        true
        """;

    /// <summary>SIGTERM, the grace ($g tenths of a second), SIGKILL to the "PID SESSION" pairs that follow, each still tagged so.</summary>
    public const string KillTagged = """
        sig() { while read -r q id; do { grep -qzx "ZWARM_SESSION_ID=$id" "/proc/$q/environ" && kill -"$1" "$q"; } 2>/dev/null; done <<EOF
        $pairs
        EOF
        }
        sig TERM
        i=0; while [ "$i" -lt "$g" ]; do sleep 0.1; i=$((i + 1)); done
        sig KILL
        true
        """;

    /// <summary>Reports the host's load, the agents' versions and whether the folders are usable; variables prepended.</summary>
    public const string Probe = """
        echo "load $(cut -d' ' -f1 /proc/loadavg 2>/dev/null)"
        command -v setsid >/dev/null 2>&1 && echo "setsid ok" || echo "setsid missing"
        if [ -z "$wd" ]; then echo "dir -"; elif [ -d "$wd" ] && [ -w "$wd" ]; then echo "dir ok"; elif [ -d "$wd" ]; then echo "dir readonly"; else echo "dir missing"; fi
        case "$sd" in /*) ;; *) sd="$HOME/$sd" ;; esac
        if mkdir -p "$sd" 2>/dev/null && [ -w "$sd" ]; then echo "state ok"; else echo "state readonly"; fi
        """;

    /// <summary>
    /// The local follower, one per running remote turn (setsid, under a flock so never two): asks the host for the
    /// turn's state, appends the missing bytes to the local turn file (following while the turn runs), and once the
    /// turn is over and every byte is here writes the exit code and finalises like a local wrapper. A failed call
    /// records when the host went out of reach (.turn_N.link) and retries with backoff.
    /// </summary>
    public const string Follower = """
        d="$1"; n="$2"; shift 2
        f="$out"; l="$link"; e="$sshlog"
        exec </dev/null 2>>"$e.log"
        exec 9>>"$follow_lock"
        flock -n 9 || exit 0
        w=1
        while :; do
          have=$(wc -c < "$f")
          "$@" "$ZWARM_HOST_FOLLOW $have" >>"$f" 2>"$e.err"
          r=$(sed -n 's/^zwarm-status //p' "$e.err" | tail -n 1)
          if [ -n "$r" ]; then
            rm -f "$l"; w=1
            state=${r#* }; size=${r%% *}
            have=$(wc -c < "$f")
            if [ "$state" != running ] && [ "$have" -ge "$size" ]; then break; fi
            [ "$state" != running ] || sleep 1
            continue
          fi
          cat "$e.err" >&2
          [ -f "$l" ] || date +%s > "$l"
          sleep "$w"; w=$((w * 2)); [ "$w" -le 30 ] || w=30
        done
        rm -f "$e.err"
        case "$state" in
          exit:*) printf '%s\n' "${state#exit:}" > "$code_tmp" && mv -f "$code_tmp" "$code" ;;
          *) : > "$vanished" ;;
        esac
        exec 9>&-
        """;
}

# fish completion for merit(1), installed as
# share/fish/vendor_completions.d/merit.fish. The commands, each command's
# options and the values below are those `merit --help` and `merit CMD
# --help` spell: tests/completions.py compares them.

set -l commands init validate rank explain replay diff summary panel stats assign sheets import schema keygen sign help version
set -l methods mean median trimmed-mean confidence-weighted z-score
set -l limits file-size= depth= proposals= reviewers= criteria= text= match= diagnostics= rules=

complete -c merit -f

# global options
complete -c merit -s h -l help -d 'print the options and exit'
complete -c merit -s q -l quiet -d 'silence notes and summaries, never errors'
complete -c merit -l color -x -a 'auto always never' -d 'when to colour the output'
complete -c merit -n "not __fish_seen_subcommand_from $commands" -s V -l version -d 'print the version'

# the commands
complete -c merit -n "not __fish_seen_subcommand_from $commands" -a init -d 'write a new call that validates at once'
complete -c merit -n "not __fish_seen_subcommand_from $commands" -a validate -d 'check a call folder or single files'
complete -c merit -n "not __fish_seen_subcommand_from $commands" -a rank -d 'score and rank a call, write a report'
complete -c merit -n "not __fish_seen_subcommand_from $commands" -a explain -d 'explain one proposal, or compare two'
complete -c merit -n "not __fish_seen_subcommand_from $commands" -a replay -d 're-check an audit trail'
complete -c merit -n "not __fish_seen_subcommand_from $commands" -a diff -d 'what changed between two audit trails'
complete -c merit -n "not __fish_seen_subcommand_from $commands" -a summary -d 'write each applicant\'s feedback'
complete -c merit -n "not __fish_seen_subcommand_from $commands" -a panel -d 'write the panel\'s report'
complete -c merit -n "not __fish_seen_subcommand_from $commands" -a stats -d 'reviewer calibration and agreement'
complete -c merit -n "not __fish_seen_subcommand_from $commands" -a assign -d 'give each proposal K reviewers'
complete -c merit -n "not __fish_seen_subcommand_from $commands" -a sheets -d 'write score-sheet templates'
complete -c merit -n "not __fish_seen_subcommand_from $commands" -a import -d 'turn a spreadsheet into XML'
complete -c merit -n "not __fish_seen_subcommand_from $commands" -a schema -d 'print a compiled-in XML schema'
complete -c merit -n "not __fish_seen_subcommand_from $commands" -a keygen -d 'make an Ed25519 key pair'
complete -c merit -n "not __fish_seen_subcommand_from $commands" -a sign -d 'sign score sheets'
complete -c merit -n "not __fish_seen_subcommand_from $commands" -a help -d 'describe merit or a command'
complete -c merit -n "not __fish_seen_subcommand_from $commands" -a version -d 'print the version'

# the arguments: call folders and files
complete -c merit -n "__fish_seen_subcommand_from validate rank explain replay diff summary panel stats assign sheets sign" -F
complete -c merit -n "__fish_seen_subcommand_from help" -x -a "$commands"
complete -c merit -n "__fish_seen_subcommand_from schema" -x -a 'call moderation proposal rubric sheet'
complete -c merit -n "__fish_seen_subcommand_from import; and not __fish_seen_subcommand_from scores proposals" -x -a 'scores proposals'
complete -c merit -n "__fish_seen_subcommand_from scores proposals" -F

# options shared by several commands
complete -c merit -n "__fish_seen_subcommand_from validate rank explain summary panel stats assign sheets import" -l limit -x -a "$limits" -d 'lower or raise a limit, NAME=VALUE'
complete -c merit -n "__fish_seen_subcommand_from replay" -l limit -x -a 'file-size=' -d 'the largest trail to read'
complete -c merit -n "__fish_seen_subcommand_from rank explain summary panel stats" -l method -x -a "$methods" -d 'aggregate reviewers with this method'
complete -c merit -n "__fish_seen_subcommand_from rank explain" -l lottery -x -d 'settle a tie at the funding line by a seeded lottery'
complete -c merit -n "__fish_seen_subcommand_from rank explain summary panel stats" -l places -x -d 'decimal places shown, 0 to 12'
complete -c merit -n "__fish_seen_subcommand_from rank explain" -l audit -r -F -d 'also write the audit trail'
complete -c merit -n "__fish_seen_subcommand_from rank explain stats" -l resamples -x -d 'bootstrap resamples for rank intervals'
complete -c merit -n "__fish_seen_subcommand_from rank explain stats" -l level -x -d 'the intervals\' coverage in percent'
complete -c merit -n "__fish_seen_subcommand_from rank explain stats" -l seed -x -d 'the bootstrap\'s seed'
complete -c merit -n "__fish_seen_subcommand_from rank panel stats assign" -s o -l output -r -F -d 'the file to write'
complete -c merit -n "__fish_seen_subcommand_from summary sheets import" -s o -l output -r -a '(__fish_complete_directories)' -d 'the folder to write'
complete -c merit -n "__fish_seen_subcommand_from validate import" -l call -r -a '(__fish_complete_directories)' -d 'the call'
complete -c merit -n "__fish_seen_subcommand_from validate sheets" -l assignment -r -F -d 'the table of reviewer and proposal pairs'

# init
complete -c merit -n "__fish_seen_subcommand_from init" -l rubric -r -a 'manufacturing-usa horizon-europe nih (__fish_complete_suffix .xml)' -d 'a shipped rubric by name, or a rubric file'
complete -c merit -n "__fish_seen_subcommand_from init" -l copy-rubric -d 'copy the shipped rubric in as rubric.xml'
complete -c merit -n "__fish_seen_subcommand_from init" -l id -x -d 'the call\'s id'
complete -c merit -n "__fish_seen_subcommand_from init" -l title -x -d 'the call\'s title'
complete -c merit -n "__fish_seen_subcommand_from init" -l currency -x -d 'three capitals'
complete -c merit -n "__fish_seen_subcommand_from init" -l budget -x -d 'the money available for awards'
complete -c merit -n "__fish_seen_subcommand_from init" -l reviewers -x -d 'the panel\'s ids, apart by commas'
complete -c merit -n "__fish_seen_subcommand_from init" -a '(__fish_complete_directories)'

# rank
complete -c merit -n "__fish_seen_subcommand_from rank" -l format -x -a 'text csv csv-detail json html xlsx' -d 'the report\'s format'
complete -c merit -n "__fish_seen_subcommand_from rank" -l detail -d 'csv: a row a proposal x reviewer x criterion'
complete -c merit -n "__fish_seen_subcommand_from rank" -l width -x -d 'text: fit N columns'
complete -c merit -n "__fish_seen_subcommand_from rank" -l top -x -d 'text: only the first N ranked rows'
complete -c merit -n "__fish_seen_subcommand_from rank" -l around-line -x -d 'text: only N rows each side of the funding line'
complete -c merit -n "__fish_seen_subcommand_from rank" -l keep-going -d 'rank what is valid of a call with invalid inputs'

# explain
complete -c merit -n "__fish_seen_subcommand_from explain" -l against -x -d 'why one of two proposals ranks above the other'
complete -c merit -n "__fish_seen_subcommand_from explain" -l assignment -r -F -d 'explain the proposal\'s reviewers in this assignment'
complete -c merit -n "__fish_seen_subcommand_from explain" -l full -d 'list every proposal of a long list'

# summary, panel, stats
complete -c merit -n "__fish_seen_subcommand_from summary" -l format -x -a 'text md html' -d 'the feedback\'s format'
complete -c merit -n "__fish_seen_subcommand_from panel" -l format -x -a 'text html' -d 'the report\'s format'
complete -c merit -n "__fish_seen_subcommand_from stats" -l format -x -a 'text csv json' -d 'the output\'s format'

# assign
complete -c merit -n "__fish_seen_subcommand_from assign" -l per-proposal -x -d 'reviewers for each proposal'
complete -c merit -n "__fish_seen_subcommand_from assign" -l max-load -x -d 'proposals for a reviewer at most'
complete -c merit -n "__fish_seen_subcommand_from assign" -l bids -r -F -d 'the bid table (reviewer,proposal,bid)'
complete -c merit -n "__fish_seen_subcommand_from assign" -l explain -x -d 'why this proposal got its reviewers'

# import
complete -c merit -n "__fish_seen_subcommand_from import" -l long -d 'one row per score (the default)'
complete -c merit -n "__fish_seen_subcommand_from import" -l wide -x -a 'criteria reviewers' -d 'one row per review or per proposal'
complete -c merit -n "__fish_seen_subcommand_from import" -l column -x -d 'the column of ROLE is headed NAME'
complete -c merit -n "__fish_seen_subcommand_from import" -l ignore -x -d 'leave out the column headed NAME'
complete -c merit -n "__fish_seen_subcommand_from import" -l reviewer-prefix -x -d 'with --wide reviewers: a prefix of reviewer ids'
complete -c merit -n "__fish_seen_subcommand_from import" -l confidence -x -a '1 2 3 4 5' -d 'the confidence of a review the table gives none'
complete -c merit -n "__fish_seen_subcommand_from import" -l csv -d 'comma-separated'
complete -c merit -n "__fish_seen_subcommand_from import" -l tsv -d 'tab-separated'
complete -c merit -n "__fish_seen_subcommand_from import" -l request -x -d 'the amount a proposal requests when the table gives none'

# keygen, sign
complete -c merit -n "__fish_seen_subcommand_from keygen" -s o -r -F -d 'write NAME.key and NAME.pub'
complete -c merit -n "__fish_seen_subcommand_from sign" -l key -r -a '(__fish_complete_suffix .key)' -d 'the secret key'

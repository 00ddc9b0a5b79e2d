// The command registry: the single list every front end (CLI, REPL, help, completion) reads.
// Add a new command (or a command group such as `probs`, whose leaves are WorkbenchCommands)
// by appending its type here; nothing else needs to change.
import ArgumentParser

public enum CommandRegistry {
    public static let all: [any ParsableCommand.Type] = [
        Help.self,
        Quit.self,
        ReadCommand.self,
        TimerCommand.self,
        Version.self,
        Sleep.self,
        Demo.self,
        Bench.self,
        Probs.self,
        TextCommand.self,
        Forward.self,
        Backward.self,
        Align.self,
        ViterbiCommand.self,
        Step.self,
        Reset.self,
        Greedy.self,
        Beam.self,
        LM.self,
        TokenizerGroup.self,
        WER.self,
        AudioGroup.self,
        Mel.self,
        Plot.self,
        CorpusGroup.self,
        Train.self,
        Eval.self,
        Transcribe.self,
        TuneLM.self,
        ModelGroup.self,
        Blanks.self,
        Compare.self,
        LessonGroup.self,
        Next.self,
        Back.self,
        Again.self,
        Answer.self,
        QuitLesson.self,
        NotebookGroup.self,
    ]
}

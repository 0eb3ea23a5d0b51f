using NetTwin.Model;

namespace NetTwin.Forwarding;

/// <summary>One source subnet's cells of the matrix, kept compact (a destination, a run of its classes, the verdict
/// and the path) and made into <see cref="MatrixCell"/> records when read: the largest estate's matrix is 2 × 10⁸
/// cells, which the table only counts (<see cref="Summarise"/>) and only the JSON writes out one by one.</summary>
internal sealed class MatrixRow(string source, IReadOnlyList<MatrixDestination> destinations, string[][] ranges) : IReadOnlyList<MatrixCell>
{
    private const int ChunkSize = 1024;

    /// <summary>A cell: destination <see cref="Destination"/>'s classes <see cref="First"/> to <see cref="Last"/>.</summary>
    private struct Cell
    {
        public int Destination, First, Last;
        public Disposition Disposition;
        public bool Reaches, Asymmetric;
        /// <summary>A swept cell's path, made into a list when the cell is read.</summary>
        public SweptPath.Parts Swept;
        /// <summary>A traced cell's path.</summary>
        public IReadOnlyList<string>? Traced;

        public readonly IReadOnlyList<string> Path => Traced ?? Swept.ToPath();

        public readonly bool SamePath(in SweptPath.Parts swept, IReadOnlyList<string>? traced) =>
            Traced is null && traced is null ? Swept.SameAs(swept) : SweptPath.Same(Path, traced ?? swept.ToPath());
    }

    // Chunks small enough to stay off the large object heap (a row of the largest estate is 20,000 cells).
    private readonly List<Cell[]> _chunks = [];
    private int _count;

    public int Count => _count;

    private ref Cell At(int i) => ref _chunks[i / ChunkSize][i % ChunkSize];

    /// <summary>Adds class <paramref name="ci"/> of destination <paramref name="di"/>: to the last cell when that cell is
    /// the destination's previous class with the same verdict and path (adjacent classes alike are one range).</summary>
    public void Add(int di, int ci, Disposition disposition, bool reaches, bool asymmetric, SweptPath.Parts path) =>
        Add(di, ci, disposition, reaches, asymmetric, path, null);

    public void Add(int di, int ci, Disposition disposition, bool reaches, bool asymmetric, IReadOnlyList<string> path) =>
        Add(di, ci, disposition, reaches, asymmetric, default, path);

    private void Add(int di, int ci, Disposition disposition, bool reaches, bool asymmetric, in SweptPath.Parts swept, IReadOnlyList<string>? traced)
    {
        if (_count > 0)
        {
            ref var last = ref At(_count - 1);
            if (last.Destination == di && last.Last == ci - 1 && last.Disposition == disposition && last.Reaches == reaches
                && last.SamePath(swept, traced))
            {
                last.Last = ci;
                return;
            }
        }
        if (_count % ChunkSize == 0) _chunks.Add(new Cell[ChunkSize]);
        At(_count) = new Cell { Destination = di, First = ci, Last = ci, Disposition = disposition, Reaches = reaches, Asymmetric = asymmetric, Swept = swept, Traced = traced };
        _count++;
    }

    public MatrixCell this[int index]
    {
        get
        {
            if ((uint)index >= (uint)_count) throw new ArgumentOutOfRangeException(nameof(index));
            var c = At(index);
            var d = destinations[c.Destination];
            var range = c.First == c.Last ? ranges[c.Destination][c.First] : Reachability.Show(d.Classes[c.First].First, d.Classes[c.Last].Last);
            return new MatrixCell(source, d.Name, range, c.Disposition.Code(), c.Reaches, c.Asymmetric, c.Path);
        }
    }

    public IEnumerator<MatrixCell> GetEnumerator()
    {
        for (var i = 0; i < _count; i++) yield return this[i];
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The row's cells grouped by verdict as <c>ReachQuestion.Summarise</c> groups any cells (in the order
    /// verdicts first appear, then most destinations first and by disposition), read from the compact cells: the
    /// number of distinct destinations, of cells, and the first three destinations.</summary>
    public List<(string Disposition, bool Reaches, bool Asymmetric, int Destinations, int Ranges, List<string> Examples)> Summarise()
    {
        var groups = new List<(Disposition Disposition, bool Reaches, bool Asymmetric, int Destinations, int Ranges, List<string> Examples, int LastDestination)>();
        for (var i = 0; i < _count; i++)
        {
            ref var c = ref At(i);
            var g = -1;
            for (var k = 0; k < groups.Count; k++)
                if (groups[k].Disposition == c.Disposition && groups[k].Reaches == c.Reaches && groups[k].Asymmetric == c.Asymmetric) { g = k; break; }
            if (g < 0)
            {
                groups.Add((c.Disposition, c.Reaches, c.Asymmetric, 0, 0, [], -1));
                g = groups.Count - 1;
            }
            var x = groups[g];
            x.Ranges++;
            // The cells are in destination order: a destination is new to the group when it differs from the group's last.
            if (x.LastDestination != c.Destination)
            {
                x.Destinations++;
                x.LastDestination = c.Destination;
                if (x.Examples.Count < 3) x.Examples.Add(destinations[c.Destination].Name);
            }
            groups[g] = x;
        }
        return [.. groups.Select(x => (x.Disposition.Code(), x.Reaches, x.Asymmetric, x.Destinations, x.Ranges, x.Examples))];
    }
}

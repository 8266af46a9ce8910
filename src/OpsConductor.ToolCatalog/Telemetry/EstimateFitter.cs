using System.Globalization;
using OpsConductor.ToolCatalog.Expressions;

namespace OpsConductor.ToolCatalog.Telemetry;

/// <summary>One recorded execution as the fitter sees it: the request's variables, what it really took, and when.</summary>
internal readonly record struct FitObservation(IReadOnlyDictionary<string, double>? Variables, double Actual, DateTimeOffset ExecutedAt);

/// <summary>The rules that decide whether a recalibration is recommended (decision 1503).</summary>
internal sealed record FitRules
{
    public static FitRules Default { get; } = new();

    /// <summary>Fewest usable records (successful, positive actual, evaluable estimate) for any recommendation.</summary>
    public int MinSamples { get; init; } = 40;

    /// <summary>Fewest distinct values of the predictor (N, or the old expression's value) in the training part for a slope.</summary>
    public int MinDistinctForSlope { get; init; } = 3;

    /// <summary>The share of records, oldest first, the fit is made on; the newest rest is held out to measure the error.</summary>
    public double TrainShare { get; init; } = 0.7;

    /// <summary>The held-out error must fall to at most this share of the current one (0.8: a relative 20 % lower).</summary>
    public double MaxErrorRatio { get; init; } = 0.8;

    /// <summary>…and by at least this many percentage points.</summary>
    public double MinErrorDrop { get; init; } = 2.0;

    /// <summary>One-sided significance level of the sign test on the paired absolute errors of the held-out records.</summary>
    public double SignTestAlpha { get; init; } = 0.05;

    /// <summary>Most point pairs Theil–Sen computes slopes for; beyond it, this many pairs drawn with a fixed seed.</summary>
    public int MaxPairs { get; init; } = 200_000;
}

/// <summary>What the fitter concluded for one estimate.</summary>
/// <param name="Recommended">The recommended expression text, or null when nothing is recommended.</param>
/// <param name="Reason">Why not, when <paramref name="Recommended"/> is null; a one-line summary otherwise.</param>
/// <param name="Method"><c>theil-sen a + b*N</c>, <c>theil-sen offset+scale</c>, <c>median scale</c> or <c>median constant</c>.</param>
/// <param name="Samples">Usable records.</param>
/// <param name="TrainSamples">Records the fit was made on (the oldest).</param>
/// <param name="TestSamples">Records the errors were measured on (the newest, held out).</param>
/// <param name="CurrentError">The current expression's median absolute percentage error on the held-out records.</param>
/// <param name="RecommendedError">The recalibrated expression's, on the same records.</param>
/// <param name="Intercept">The fitted constant (a, or α), rounded as written.</param>
/// <param name="Slope">The fitted slope (b, or β), rounded as written.</param>
/// <param name="Variable">The variable of an <c>a + b * N</c> form.</param>
/// <param name="SignTestP">The one-sided sign test's p-value on the paired held-out absolute errors.</param>
internal sealed record FitOutcome(
    string? Recommended,
    string Reason,
    string Method,
    int Samples,
    int TrainSamples,
    int TestSamples,
    double? CurrentError,
    double? RecommendedError,
    double? Intercept,
    double? Slope,
    string? Variable,
    double? SignTestP)
{
    public bool IsRecommended => Recommended is not null;
}

/// <summary>
/// Recalibrates an estimate expression from recorded executions, keeping its form where it can (decision 1503):
/// <c>a + b * N</c> (in any spelling: <c>b*N + a</c>, <c>N*b</c>, a constant alone) gets its two constants from a
/// Theil–Sen regression of the actual time on N; any other form <c>f</c> gets an offset and scale, <c>α + β * (f)</c>, from
/// the same regression of the actual time on f's value. The fit is made on the oldest 70 % of the records and its error
/// (median absolute percentage error) measured against the current expression's on the newest 30 %; the recalibration is
/// recommended only when it is clearly better there (<see cref="FitRules"/>). Pure: no I/O, deterministic.
/// </summary>
internal static class EstimateFitter
{
    /// <summary>Significant digits of the constants written in a recommended expression.</summary>
    internal const int SignificantDigits = 4;

    public static FitOutcome Fit(string current, IReadOnlyList<FitObservation> observations, FitRules? rules = null)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(observations);
        rules ??= FitRules.Default;
        var table = VariableTable.CreateDefault();
        if (!EstimateExpression.TryCompile(current, table, out var expression, out var error))
        {
            return Refuse($"the current expression does not compile ({error.Message})", "none", observations.Count);
        }

        var form = AffineForm.Of(Parser.Parse(current, ExpressionLanguage.Estimate, ExpressionOptions.Default).Root);

        // Usable records, oldest first: a positive actual, and an estimate that evaluates for the record's variables.
        var context = new ExpressionContext(table);
        var usable = new List<Point>(observations.Count);
        foreach (var o in observations.OrderBy(static o => o.ExecutedAt))
        {
            if (!double.IsFinite(o.Actual) || o.Actual <= 0)
            {
                continue;
            }

            Fill(context, o.Variables);

            if (!expression.TryEvaluate(context, out var estimate, out _))
            {
                continue;
            }

            double x;
            if (form is { Variable: { } variable })
            {
                _ = context.TryGet(variable, out x);
            }
            else
            {
                x = estimate;
            }

            if (double.IsFinite(x))
            {
                usable.Add(new Point(x, estimate, o.Actual, o.Variables));
            }
        }

        if (usable.Count < rules.MinSamples)
        {
            return Refuse($"too few usable records: {usable.Count}, fewer than the minimum {rules.MinSamples}", "none", usable.Count);
        }

        var trainCount = (int)Math.Round(usable.Count * rules.TrainShare, MidpointRounding.AwayFromZero);
        var train = usable.GetRange(0, trainCount);
        var test = usable.GetRange(trainCount, usable.Count - trainCount);
        var distinct = train.Select(static s => s.X).Distinct().Count();

        string method;
        string recommended;
        double? intercept = null, slope = null;
        if (form is { Variable: null })
        {
            // A constant: its robust recalibration is the median actual.
            method = "median constant";
            recommended = Number(Median(train.Select(static s => s.Actual).ToArray()));
            intercept = Parse(recommended);
        }
        else if (form is { Variable: { } variable })
        {
            if (distinct < rules.MinDistinctForSlope)
            {
                return Refuse($"too few distinct values of {variable} for a slope: {distinct}, fewer than the minimum {rules.MinDistinctForSlope}", "theil-sen a + b*N", usable.Count, train.Count, test.Count);
            }

            method = "theil-sen a + b*N";
            var (a, b) = TheilSen(train, rules.MaxPairs);
            (intercept, slope) = (Round(a), Round(b));
            recommended = Affine(intercept.Value, slope.Value, variable);
        }
        else if (distinct >= rules.MinDistinctForSlope)
        {
            method = "theil-sen offset+scale";
            var (a, b) = TheilSen(train, rules.MaxPairs);
            (intercept, slope) = (Round(a), Round(b));
            recommended = Scaled(intercept.Value, slope.Value, current);
        }
        else
        {
            // Too few distinct values of the expression for an offset: a scale only.
            method = "median scale";
            slope = Round(Median(train.Where(static s => s.X > 0).Select(static s => s.Actual / s.X).ToArray()));
            recommended = Scaled(0, slope.Value, current);
        }

        if (!EstimateExpression.TryCompile(recommended, table, out var candidate, out _)
            || !candidate.Variables.ToHashSet(StringComparer.Ordinal).SetEquals(expression.Variables))
        {
            return Refuse($"the recalibrated expression '{recommended}' does not compile or does not keep the variables of '{current}'", method, usable.Count, train.Count, test.Count);
        }

        // Held-out errors of both expressions, record by record.
        var currentErrors = new double[test.Count];
        var candidateErrors = new double[test.Count];
        var i = 0;
        foreach (var s in test)
        {
            currentErrors[i] = Math.Abs(s.Estimate - s.Actual) / s.Actual * 100;
            candidateErrors[i] = Math.Abs(Evaluate(candidate, context, s.Variables) - s.Actual) / s.Actual * 100;
            i++;
        }

        var before = Median(currentErrors);
        var after = Median(candidateErrors);
        var p = SignTest(currentErrors, candidateErrors);
        var outcome = new FitOutcome(null, "", method, usable.Count, train.Count, test.Count, before, after, intercept, slope, form?.Variable, p);
        var summary = string.Create(CultureInfo.InvariantCulture, $"held-out error {before:0.0} % -> {after:0.0} % (sign test p = {p:0.####})");
        if (recommended == current)
        {
            return outcome with { Reason = $"the recalibration is the current expression; {summary}" };
        }

        if (after > before * rules.MaxErrorRatio || before - after < rules.MinErrorDrop)
        {
            return outcome with
            {
                Reason = string.Create(CultureInfo.InvariantCulture,
                    $"not clearly better: {summary}; a recommendation needs the error {(1 - rules.MaxErrorRatio) * 100:0} % lower and at least {rules.MinErrorDrop:0.#} points lower"),
            };
        }

        if (p > rules.SignTestAlpha)
        {
            return outcome with { Reason = string.Create(CultureInfo.InvariantCulture, $"not clearly better: {summary}, above {rules.SignTestAlpha}") };
        }

        return outcome with { Recommended = recommended, Reason = summary };
    }

    /// <summary>The candidate's value for a held-out record's variables (it evaluated: it keeps the current's variables).</summary>
    private static double Evaluate(EstimateExpression candidate, ExpressionContext context, IReadOnlyDictionary<string, double>? variables)
    {
        Fill(context, variables);
        return candidate.TryEvaluate(context, out var value, out _) ? value : double.PositiveInfinity; // counted as a miss
    }

    private static void Fill(ExpressionContext context, IReadOnlyDictionary<string, double>? variables)
    {
        context.Reset();
        if (variables is not null)
        {
            foreach (var (name, value) in variables)
            {
                if (double.IsFinite(value) && VariableTable.IsValidName(name))
                {
                    context.Set(name, value);
                }
            }
        }
    }

    /// <summary>
    /// Theil–Sen: the slope is the median of the slopes between pairs of points with different x (all pairs up to
    /// <paramref name="maxPairs"/>, else that many drawn with a fixed seed); the intercept the median of y − slope·x.
    /// Breakdown point about 29 %: wild outliers move it little.
    /// </summary>
    internal static (double Intercept, double Slope) TheilSen(IReadOnlyList<Point> points, int maxPairs)
    {
        var n = points.Count;
        var total = (long)n * (n - 1) / 2;
        var slopes = new List<double>((int)Math.Min(total, maxPairs));
        if (total <= maxPairs)
        {
            for (var i = 0; i < n; i++)
            {
                for (var j = i + 1; j < n; j++)
                {
                    AddSlope(points[i], points[j], slopes);
                }
            }
        }
        else
        {
            var random = new Random(1503);
            for (var k = 0; k < maxPairs; k++)
            {
                var i = random.Next(n);
                var j = random.Next(n);
                AddSlope(points[i], points[j], slopes);
            }
        }

        var slope = slopes.Count == 0 ? 0 : Median(slopes.ToArray());
        var intercept = Median(points.Select(p => p.Actual - (slope * p.X)).ToArray());
        return (intercept, slope);

        static void AddSlope(Point a, Point b, List<double> slopes)
        {
            if (a.X != b.X)
            {
                slopes.Add((b.Actual - a.Actual) / (b.X - a.X));
            }
        }
    }

    /// <summary>
    /// One-sided sign test that the candidate's absolute errors are smaller than the current's more often than chance:
    /// the exact binomial tail P(X ≥ wins | n, ½) over the records where they differ. 1 when none differ.
    /// </summary>
    internal static double SignTest(double[] current, double[] candidate)
    {
        var wins = 0;
        var n = 0;
        for (var i = 0; i < current.Length; i++)
        {
            if (candidate[i] < current[i])
            {
                wins++;
                n++;
            }
            else if (candidate[i] > current[i])
            {
                n++;
            }
        }

        if (n == 0)
        {
            return 1;
        }

        // Sum of C(n, k) / 2^n for k ≥ wins, in logarithms (n may be thousands).
        var logHalfN = n * Math.Log(0.5);
        var sum = 0.0;
        var logC = 0.0; // log C(n, 0)
        for (var k = 0; k <= n; k++)
        {
            if (k > 0)
            {
                logC += Math.Log(n - k + 1) - Math.Log(k);
            }

            if (k >= wins)
            {
                sum += Math.Exp(logC + logHalfN);
            }
        }

        return Math.Min(1, sum);
    }

    internal static double Median(double[] values)
    {
        if (values.Length == 0)
        {
            return double.NaN;
        }

        Array.Sort(values);
        var mid = values.Length / 2;
        return values.Length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    /// <summary><paramref name="value"/> rounded to <see cref="SignificantDigits"/> significant digits.</summary>
    internal static double Round(double value)
    {
        if (value == 0 || !double.IsFinite(value))
        {
            return value;
        }

        var digits = SignificantDigits - 1 - (int)Math.Floor(Math.Log10(Math.Abs(value)));
        if (digits >= 0)
        {
            return Math.Round(value, Math.Min(digits, 15), MidpointRounding.AwayFromZero);
        }

        var unit = Math.Pow(10, -digits);
        return Math.Round(value / unit, MidpointRounding.AwayFromZero) * unit;
    }

    /// <summary>A number as a person writes it: rounded to four significant digits, no exponent, no trailing zeros.</summary>
    internal static string Number(double value) => Round(value).ToString("0.###############", CultureInfo.InvariantCulture);

    private static double Parse(string number) => double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary><c>a + b * N</c>, <c>b * N</c>, <c>a - b * N</c>, or <c>a</c> when b is 0.</summary>
    internal static string Affine(double a, double b, string variable)
    {
        if (b == 0)
        {
            return Number(a);
        }

        var term = $"{Number(Math.Abs(b))} * {variable}";
        if (a == 0)
        {
            return b < 0 ? $"-{term}" : term;
        }

        return $"{Number(a)} {(b < 0 ? "-" : "+")} {term}";
    }

    /// <summary><c>α + β * (f)</c>, <c>β * (f)</c> when α is 0, <c>α - β * (f)</c> for a negative β.</summary>
    internal static string Scaled(double alpha, double beta, string current)
    {
        var term = $"{Number(Math.Abs(beta))} * ({current.Trim()})";
        if (alpha == 0)
        {
            return beta < 0 ? $"-{term}" : term;
        }

        return $"{Number(alpha)} {(beta < 0 ? "-" : "+")} {term}";
    }

    /// <summary>A usable record: the predictor (N's value, or the current expression's), the current estimate, the actual.</summary>
    internal readonly record struct Point(double X, double Estimate, double Actual, IReadOnlyDictionary<string, double>? Variables = null);

    private static FitOutcome Refuse(string reason, string method, int samples, int train = 0, int test = 0) =>
        new(null, reason, method, samples, train, test, null, null, null, null, null, null);
}

/// <summary>
/// An expression of the form <c>a + b * x</c> read from the syntax tree: constants combined by <c>+ - * /</c> and unary
/// signs, with at most one variable appearing once and linearly. <see cref="Variable"/> is null for a constant.
/// </summary>
internal sealed record AffineForm(double Intercept, double Slope, string? Variable)
{
    public static AffineForm? Of(SyntaxNode node)
    {
        switch (node)
        {
            case NumberNode number:
                return new AffineForm(number.Value, 0, null);
            case VariableNode variable:
                return new AffineForm(0, 1, variable.Name);
            case UnaryNode { Operator: UnaryOperator.Negate } negate when Of(negate.Operand) is { } inner:
                return new AffineForm(-inner.Intercept, -inner.Slope, inner.Variable);
            case UnaryNode { Operator: UnaryOperator.Plus } plus:
                return Of(plus.Operand);
            case BinaryNode binary when Of(binary.Left) is { } left && Of(binary.Right) is { } right:
                return binary.Operator switch
                {
                    BinaryOperator.Add or BinaryOperator.Subtract when left.Variable is null || right.Variable is null =>
                        Combine(left, right, binary.Operator == BinaryOperator.Add ? 1 : -1),
                    BinaryOperator.Multiply when left.Variable is null => new AffineForm(right.Intercept * left.Intercept, right.Slope * left.Intercept, right.Variable),
                    BinaryOperator.Multiply when right.Variable is null => new AffineForm(left.Intercept * right.Intercept, left.Slope * right.Intercept, left.Variable),
                    BinaryOperator.Divide when right.Variable is null && right.Intercept != 0 =>
                        new AffineForm(left.Intercept / right.Intercept, left.Slope / right.Intercept, left.Variable),
                    _ => null,
                };
            default:
                return null;
        }

        static AffineForm Combine(AffineForm left, AffineForm right, double sign) =>
            new(left.Intercept + (sign * right.Intercept), left.Slope + (sign * right.Slope), left.Variable ?? right.Variable);
    }
}

package dev.sluice.ingest;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The order an import job writes its files in: the manifest's, except that the files of a
 * table another table references move up to just before the first file that needs them.
 * Files of the same table, and of tables with no reference between them, keep their
 * manifest order. Tables that reference each other in a cycle keep the manifest's order
 * among themselves (and move up together when a table outside needs one of them): no
 * order is sure to work there, and the manifest's is the one the user can see and change.
 */
final class ImportOrder {

    private ImportOrder() {
    }

    /**
     * A foreign key: {@code child} references {@code parent}, so the parent's rows must
     * be there first.
     */
    record Reference(String child, String parent) {
    }

    /**
     * @param files the files in manifest order
     * @param table the table a file is written into
     * @param references the foreign keys between those tables (others are ignored)
     * @return the files in the order to write them
     */
    static <T> List<T> sort(List<T> files, Function<T, String> table, Collection<Reference> references) {
        List<String> tables = files.stream().map(table).distinct().toList();
        Map<String, Integer> index = new HashMap<>();
        tables.forEach((name) -> index.put(name, index.size()));
        List<BitSet> parents = new ArrayList<>();
        tables.forEach((name) -> parents.add(new BitSet()));
        for (Reference reference : references) {
            Integer child = index.get(reference.child());
            Integer parent = index.get(reference.parent());
            // A self-reference is checked at the end of the one statement that writes
            // the file: no order.
            if (child != null && parent != null && !child.equals(parent)) {
                parents.get(child).set(parent);
            }
        }
        int[] cycle = cycles(parents);
        for (int child = 0; child < tables.size(); child++) {
            BitSet direct = parents.get(child);
            for (int parent = direct.nextSetBit(0); parent >= 0; parent = direct.nextSetBit(parent + 1)) {
                if (cycle[parent] == cycle[child]) {
                    direct.clear(parent);
                }
            }
        }
        int[] tableOf = files.stream().mapToInt((file) -> index.get(table.apply(file))).toArray();
        Graph<T> graph = new Graph<>(files, tableOf, parents, cycle);
        List<T> ordered = new ArrayList<>(files.size());
        boolean[] placed = new boolean[files.size()];
        for (int file = 0; file < files.size(); file++) {
            place(file, graph, placed, ordered);
        }
        return ordered;
    }

    private record Graph<T>(List<T> files, int[] tableOf, List<BitSet> parents, int[] cycle) {
    }

    // Depth first: the files of the file's parent tables, in manifest order, and the
    // files of its cycle before it, then the file. Without the cycles' edges the graph
    // is acyclic, so this ends.
    private static <T> void place(int file, Graph<T> graph, boolean[] placed, List<T> ordered) {
        if (placed[file]) {
            return;
        }
        placed[file] = true;
        int table = graph.tableOf()[file];
        BitSet needed = graph.parents().get(table);
        for (int other = 0; other < graph.files().size(); other++) {
            int otherTable = graph.tableOf()[other];
            if (needed.get(otherTable) || (other < file && graph.cycle()[otherTable] == graph.cycle()[table])) {
                place(other, graph, placed, ordered);
            }
        }
        ordered.add(graph.files().get(file));
    }

    // For each table, the first table of its cycle: tables that reach each other by
    // references are one cycle; a table in none is its own.
    private static int[] cycles(List<BitSet> parents) {
        List<BitSet> reach = reach(parents);
        int[] cycle = new int[parents.size()];
        for (int table = 0; table < cycle.length; table++) {
            cycle[table] = table;
            for (int other = 0; other < table; other++) {
                if (reach.get(table).get(other) && reach.get(other).get(table)) {
                    cycle[table] = other;
                    break;
                }
            }
        }
        return cycle;
    }

    // For each table, the tables it reaches by references (itself only through a cycle).
    private static List<BitSet> reach(List<BitSet> parents) {
        List<BitSet> reach = new ArrayList<>();
        for (int start = 0; start < parents.size(); start++) {
            BitSet seen = new BitSet();
            List<Integer> todo = new ArrayList<>(List.of(start));
            while (!todo.isEmpty()) {
                BitSet next = parents.get(todo.remove(todo.size() - 1));
                for (int table = next.nextSetBit(0); table >= 0; table = next.nextSetBit(table + 1)) {
                    if (!seen.get(table)) {
                        seen.set(table);
                        todo.add(table);
                    }
                }
            }
            reach.add(seen);
        }
        return reach;
    }

}

// Render.java: open a GEXF file with the Gephi Toolkit as Gephi does (File →
// Open), check what Gephi made of it, lay it out with ForceAtlas 2 and write
// the preview as PNG and SVG. Run by scripts/gephi-render, which fetches the
// toolkit from Maven Central (org.gephi:gephi-toolkit, the "all" jar).
//
//   java -Djava.awt.headless=true -cp gephi-toolkit-all.jar:. Render IN.gexf OUT.png OUT.svg
//
// It prints what Gephi imported: nodes, edges, each attribute column with
// its type, the nodes that kept their viz colour and size, and the list
// values of one node's aliases. It exits 1 when the GEXF lost something
// that the export promises: a typed column, the list type of aliases, a
// node without its colour or size.

import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.File;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;

import org.gephi.graph.api.Column;
import org.gephi.graph.api.DirectedGraph;
import org.gephi.graph.api.GraphController;
import org.gephi.graph.api.GraphModel;
import org.gephi.graph.api.Node;
import org.gephi.io.exporter.api.ExportController;
import org.gephi.io.importer.api.Container;
import org.gephi.io.importer.api.EdgeDirectionDefault;
import org.gephi.io.importer.api.ImportController;
import org.gephi.io.processor.plugin.DefaultProcessor;
import org.gephi.layout.plugin.forceAtlas2.ForceAtlas2;
import org.gephi.layout.plugin.forceAtlas2.ForceAtlas2Builder;
import org.gephi.layout.plugin.noverlap.NoverlapLayout;
import org.gephi.layout.plugin.noverlap.NoverlapLayoutBuilder;
import org.gephi.preview.api.PreviewController;
import org.gephi.preview.api.PreviewModel;
import org.gephi.preview.api.PreviewProperty;
import org.gephi.preview.types.EdgeColor;
import org.gephi.project.api.ProjectController;
import org.gephi.project.api.Workspace;
import org.apache.batik.transcoder.TranscoderInput;
import org.apache.batik.transcoder.TranscoderOutput;
import org.apache.batik.transcoder.image.ImageTranscoder;
import org.openide.util.Lookup;

public class Render {
    static final double SCALING = Double.parseDouble(System.getProperty("render.scaling", "300"));
    static final double GRAVITY = Double.parseDouble(System.getProperty("render.gravity", "1"));
    static final int FONT = Integer.getInteger("render.font", 10);

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: Render IN.gexf OUT.png OUT.svg");
            System.exit(2);
        }
        ProjectController pc = Lookup.getDefault().lookup(ProjectController.class);
        pc.newProject();
        Workspace workspace = pc.getCurrentWorkspace();

        ImportController importer = Lookup.getDefault().lookup(ImportController.class);
        Container container = importer.importFile(new File(args[0]));
        container.getLoader().setEdgeDefault(EdgeDirectionDefault.DIRECTED);
        // Keep the export's node sizes: Gephi's "Auto-scale" import option
        // (on by default) would stretch them to 4..100.
        container.getLoader().setAutoScale(false);
        importer.process(container, new DefaultProcessor(), workspace);

        GraphModel model = Lookup.getDefault().lookup(GraphController.class).getGraphModel(workspace);
        DirectedGraph graph = model.getDirectedGraph();
        boolean ok = report(model, graph);

        // ForceAtlas 2 from Gephi's defaults, with strong gravity so that
        // entities without relationships stay in the picture, then
        // "prevent overlap", then Noverlap for what still overlaps.
        ForceAtlas2 fa2 = new ForceAtlas2Builder().buildLayout();
        fa2.setGraphModel(model);
        fa2.resetPropertiesValues();
        fa2.setScalingRatio(SCALING);
        fa2.setStrongGravityMode(true);
        fa2.setGravity(GRAVITY);
        fa2.setBarnesHutOptimize(graph.getNodeCount() > 1000);
        fa2.setThreadsCount(1);
        fa2.initAlgo();
        for (int i = 0; i < 1500 && fa2.canAlgo(); i++) {
            if (i == 1000) {
                fa2.setAdjustSizes(true);
            }
            fa2.goAlgo();
        }
        fa2.endAlgo();
        NoverlapLayout noverlap = (NoverlapLayout) new NoverlapLayoutBuilder().buildLayout();
        noverlap.setGraphModel(model);
        noverlap.resetPropertiesValues();
        noverlap.setMargin(4.0);
        noverlap.initAlgo();
        for (int i = 0; i < 200 && noverlap.canAlgo(); i++) {
            noverlap.goAlgo();
        }
        noverlap.endAlgo();

        PreviewModel preview = Lookup.getDefault().lookup(PreviewController.class).getModel(workspace);
        preview.getProperties().putValue(PreviewProperty.BACKGROUND_COLOR, Color.WHITE);
        preview.getProperties().putValue(PreviewProperty.SHOW_NODE_LABELS, Boolean.TRUE);
        preview.getProperties().putValue(PreviewProperty.NODE_LABEL_PROPORTIONAL_SIZE, Boolean.FALSE);
        preview.getProperties().putValue(PreviewProperty.NODE_LABEL_FONT, new Font("SansSerif", Font.PLAIN, FONT));
        preview.getProperties().putValue(PreviewProperty.NODE_LABEL_SHORTEN, Boolean.TRUE);
        preview.getProperties().putValue(PreviewProperty.NODE_LABEL_MAX_CHAR, 32);
        preview.getProperties().putValue(PreviewProperty.NODE_LABEL_OUTLINE_SIZE, 2.0f);
        preview.getProperties().putValue(PreviewProperty.NODE_LABEL_OUTLINE_COLOR, new org.gephi.preview.types.DependantColor(Color.WHITE));
        preview.getProperties().putValue(PreviewProperty.NODE_BORDER_WIDTH, 0.5f);
        preview.getProperties().putValue(PreviewProperty.EDGE_CURVED, Boolean.TRUE);
        preview.getProperties().putValue(PreviewProperty.EDGE_COLOR, new EdgeColor(EdgeColor.Mode.SOURCE));
        preview.getProperties().putValue(PreviewProperty.EDGE_OPACITY, 60f);
        preview.getProperties().putValue(PreviewProperty.EDGE_THICKNESS, 1.5f);
        preview.getProperties().putValue(PreviewProperty.ARROW_SIZE, 3f);

        // Gephi's own PNG exporter asks AWT for a screen, which a headless
        // JVM has not; its SVG exporter needs none, and Batik (in the
        // toolkit) rasterises that SVG into the PNG.
        ExportController exporter = Lookup.getDefault().lookup(ExportController.class);
        exporter.exportFile(new File(args[2]), exporter.getExporter("svg"));
        Raster raster = new Raster();
        raster.addTranscodingHint(ImageTranscoder.KEY_WIDTH, 1600f);
        raster.addTranscodingHint(ImageTranscoder.KEY_BACKGROUND_COLOR, Color.WHITE);
        raster.transcode(new TranscoderInput(new File(args[2]).toURI().toString()), null);
        ImageIO.write(raster.image, "png", new File(args[1]));
        System.out.println("render: wrote " + args[2] + " and " + args[1]);
        System.exit(ok ? 0 : 1);
    }

    // Raster keeps the image that Batik draws, for ImageIO to write: Batik's
    // own PNG writer is not in the toolkit.
    static class Raster extends ImageTranscoder {
        BufferedImage image;

        @Override
        public BufferedImage createImage(int width, int height) {
            return new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        }

        @Override
        public void writeImage(BufferedImage img, TranscoderOutput out) {
            image = img;
        }
    }

    // report prints what Gephi imported and says whether it is what the
    // export promises.
    static boolean report(GraphModel model, DirectedGraph graph) {
        boolean ok = true;
        System.out.printf("gephi: %d nodes, %d edges%n", graph.getNodeCount(), graph.getEdgeCount());
        Map<String, String> want = new TreeMap<>(Map.of(
                "node kind", "String", "node aliases", "String[]", "node degree", "Long", "node rate", "Double",
                "node count", "Long", "edge type", "String", "edge rank", "Long", "edge evidence", "String"));
        for (Column c : model.getNodeTable()) {
            System.out.printf("gephi: node column %-12s %s%n", c.getTitle(), c.getTypeClass().getSimpleName());
            ok &= check(want, "node " + c.getTitle(), c.getTypeClass().getSimpleName());
        }
        for (Column c : model.getEdgeTable()) {
            System.out.printf("gephi: edge column %-12s %s%n", c.getTitle(), c.getTypeClass().getSimpleName());
            ok &= check(want, "edge " + c.getTitle(), c.getTypeClass().getSimpleName());
        }
        for (String missing : want.keySet()) {
            System.out.println("gephi: MISSING column " + missing);
            ok = false;
        }

        int grey = 0;
        float minSize = Float.MAX_VALUE, maxSize = 0;
        Node biggest = null, withAliases = null;
        for (Node n : graph.getNodes()) {
            Color c = n.getColor();
            // Gephi's import leaves a node without viz:color at its default grey.
            if (c.getRed() == c.getGreen() && c.getGreen() == c.getBlue()) {
                grey++;
            }
            minSize = Math.min(minSize, n.size());
            if (n.size() > maxSize) {
                maxSize = n.size();
                biggest = n;
            }
            if (withAliases == null && n.getAttribute("aliases") instanceof String[] a && a.length > 1) {
                withAliases = n;
            }
        }
        System.out.printf("gephi: %d nodes coloured by kind, %d grey; sizes %.1f to %.1f (largest: %s)%n",
                graph.getNodeCount() - grey, grey, minSize, maxSize, biggest == null ? "none" : biggest.getLabel());
        if (grey > 0 || minSize == maxSize) {
            System.out.println("gephi: MISSING viz colours or sizes");
            ok = false;
        }
        if (withAliases != null) {
            System.out.printf("gephi: aliases of %s: %s%n", withAliases.getLabel(),
                    Arrays.toString((String[]) withAliases.getAttribute("aliases")));
        }
        return ok;
    }

    static boolean check(Map<String, String> want, String column, String type) {
        String w = want.remove(column);
        if (w != null && !w.equals(type)) {
            System.out.printf("gephi: column %s is %s, want %s%n", column, type, w);
            return false;
        }
        return true;
    }
}
